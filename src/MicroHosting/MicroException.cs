using System.Globalization;
using System.Text;
using System.Text.Json;
using MicroHosting.Internal;
using Microsoft.AspNetCore.WebUtilities;

namespace MicroHosting;

/// <summary>
/// An error in Go Micro's shape: <c>{"id":"...","code":500,"detail":"...","status":"Internal Server Error"}</c>.
/// Throw it from a handler to send that error to the caller; a client call rethrows the remote's error as one.
/// </summary>
public class MicroException : Exception
{
    /// <summary>Creates an error.</summary>
    /// <param name="id">Who raised it, by convention the service name (<c>go.micro.client</c>, <c>greeter</c>).</param>
    /// <param name="code">An HTTP-style status code (400, 404, 408, 500, ...); 0 when unknown.</param>
    /// <param name="detail">What went wrong.</param>
    /// <param name="status">The reason phrase; derived from <paramref name="code"/> when <see langword="null"/>.</param>
    /// <param name="innerException">The cause, kept locally and never sent on the wire.</param>
    public MicroException(string? id, int code, string? detail, string? status = null, Exception? innerException = null)
        : base(detail ?? string.Empty, innerException)
    {
        Id = id ?? string.Empty;
        Code = code;
        Detail = detail ?? string.Empty;
        Status = status ?? ReasonPhrases.GetReasonPhrase(code);
    }

    /// <summary>Gets who raised the error.</summary>
    public string Id { get; }

    /// <summary>Gets the HTTP-style status code; 0 when the remote sent text that was not error JSON.</summary>
    public int Code { get; }

    /// <summary>Gets what went wrong.</summary>
    public string Detail { get; }

    /// <summary>Gets the reason phrase of <see cref="Code"/>.</summary>
    public string Status { get; }

    /// <summary>400: the request was malformed.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException BadRequest(string id, string detail) => new(id, 400, detail);

    /// <summary>401: the caller is not authenticated.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException Unauthorized(string id, string detail) => new(id, 401, detail);

    /// <summary>403: the caller may not do this.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException Forbidden(string id, string detail) => new(id, 403, detail);

    /// <summary>404: no such thing.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException NotFound(string id, string detail) => new(id, 404, detail);

    /// <summary>405: the method is not allowed.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException MethodNotAllowed(string id, string detail) => new(id, 405, detail);

    /// <summary>408: the deadline passed.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException Timeout(string id, string detail) => new(id, 408, detail);

    /// <summary>409: the request conflicts with the current state.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException Conflict(string id, string detail) => new(id, 409, detail);

    /// <summary>500: the server failed.</summary>
    /// <param name="id">Who raised it.</param>
    /// <param name="detail">What went wrong.</param>
    /// <returns>The error.</returns>
    public static MicroException InternalServerError(string id, string detail) => new(id, 500, detail);

    /// <summary>
    /// Parses Go Micro's error JSON. Text that is not error JSON (as a Go Micro v2 server sends for an unknown
    /// method) becomes the detail of an error with code 0, as Go Micro's own parser does; except Go's deadline text
    /// (<c>context deadline exceeded</c>, which a Go handler that ran out of its deadline answers, possibly after a
    /// prefix), which is a timeout: code 408, status <c>Request Timeout</c>.
    /// </summary>
    /// <param name="text">The error text, from a <c>Micro-Error</c> header or an error body.</param>
    /// <returns>The error.</returns>
    public static MicroException Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MicroException(null, 0, string.Empty, string.Empty);
        }

        try
        {
            var wire = JsonSerializer.Deserialize(text, MicroErrorJsonContext.Default.MicroErrorWire);
            if (wire is not null && (wire.Code != 0 || wire.Detail is not null || wire.Id is not null))
            {
                return new MicroException(wire.Id, wire.Code, wire.Detail, wire.Status ?? string.Empty);
            }
        }
        catch (JsonException)
        {
            // Not error JSON: fall through to the plain-text form.
        }

        return IsDeadlineText(text) ? new MicroException(null, 408, text.Trim(), "Request Timeout") : new MicroException(null, 0, text, string.Empty);
    }

    // Go's context.DeadlineExceeded ("context deadline exceeded") and os.ErrDeadlineExceeded ("i/o timeout" is not
    // sent by servers; "deadline exceeded" ends both gRPC's and the context's texts).
    private static bool IsDeadlineText(string text) => text.AsSpan().Trim().EndsWith("deadline exceeded", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the error JSON, ASCII only, so it is also a valid header value (<c>Micro-Error</c>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var json = new StringBuilder(64 + Detail.Length);
        json.Append("{\"id\":");
        AppendString(json, Id);
        json.Append(",\"code\":").Append(Code.ToString(CultureInfo.InvariantCulture)).Append(",\"detail\":");
        AppendString(json, Detail);
        json.Append(",\"status\":");
        AppendString(json, Status);
        return json.Append('}').ToString();
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().FullName}: {ToJson()}";

    // Escapes quotes, backslashes, control characters and everything outside ASCII; nothing else, so the text stays readable.
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case '\n':
                    json.Append("\\n");
                    break;
                case '\r':
                    json.Append("\\r");
                    break;
                case '\t':
                    json.Append("\\t");
                    break;
                case < ' ' or > '~':
                    json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    json.Append(c);
                    break;
            }
        }

        json.Append('"');
    }
}
