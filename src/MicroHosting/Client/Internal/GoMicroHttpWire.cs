using System.Net;
using System.Net.Http.Headers;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Go Micro's HTTP protocol: <c>POST /</c> with the service and endpoint in <c>Micro-*</c> headers (and their <c>X-</c>
/// copies), and an error as <c>200</c> with <c>Micro-Error</c>, which <see cref="Read"/> turns into the status it names.
/// </summary>
internal sealed class GoMicroHttpWire : MicroWire
{
    public static readonly GoMicroHttpWire Instance = new();

    private static readonly string[] Headers =
    [
        MicroHeaders.Service, MicroHeaders.XService, MicroHeaders.Endpoint, MicroHeaders.XEndpoint, MicroHeaders.Method, MicroHeaders.XMethod,
        MicroHeaders.XId, MicroHeaders.XFromService,
    ];

    public override string Name => "go-micro";

    public override void Shape(HttpRequestMessage request, MicroCallState state, NodeCandidate node, MicroClientRuntime runtime)
    {
        var endpoint = state.Endpoint ?? throw new MicroException(
            MicroClientErrors.Id,
            400,
            $"node {node.Node.Id} speaks Go Micro's protocol, which names the endpoint: the request path '{state.PathAndQuery}' is not /Type/Method");
        request.RequestUri = node.BaseUri;
        SetVersion(request, http2: false);
        if (!ReferenceEquals(state.ShapedBy, this))
        {
            var headers = request.Headers;
            headers.TryAddWithoutValidation(MicroHeaders.Service, state.Service);
            headers.TryAddWithoutValidation(MicroHeaders.XService, state.Service);
            headers.TryAddWithoutValidation(MicroHeaders.Endpoint, endpoint);
            headers.TryAddWithoutValidation(MicroHeaders.XEndpoint, endpoint);
            headers.TryAddWithoutValidation(MicroHeaders.Method, endpoint);
            headers.TryAddWithoutValidation(MicroHeaders.XMethod, endpoint);

            // A Go client sends every Micro-* header with an X- copy too.
            CopyAsX(headers, MicroHeaders.Id, MicroHeaders.XId);
            CopyAsX(headers, MicroHeaders.FromService, MicroHeaders.XFromService);
        }
    }

    /// <summary>Turns Go Micro's "200 with Micro-Error" into the status the error names, with the error JSON as the body, as a native node replies.</summary>
    public override HttpResponseMessage Read(HttpResponseMessage response, HttpRequestMessage request)
    {
        if (!response.Headers.TryGetValues(MicroHeaders.Error, out var values) && !response.Headers.TryGetValues(MicroHeaders.XError, out values))
        {
            return response;
        }

        var text = string.Join(",", values);
        var code = MicroException.Parse(text).Code;
        var normalised = new HttpResponseMessage(code is >= 400 and <= 599 ? (HttpStatusCode)code : HttpStatusCode.InternalServerError)
        {
            RequestMessage = request,
            Version = response.Version,
            Content = new StringContent(text, System.Text.Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
        };
        normalised.Headers.TryAddWithoutValidation(MicroHeaders.Error, text);
        response.Dispose();
        return normalised;
    }

    /// <summary>Removes the service and endpoint headers, the <c>X-</c> copies and the <c>Timeout</c>, before an attempt on a node of another wire.</summary>
    public override void RemoveHeaders(HttpRequestHeaders headers)
    {
        foreach (var name in Headers)
        {
            headers.Remove(name);
        }

        headers.Remove(MicroHeaders.Timeout);
    }

    private static void CopyAsX(HttpRequestHeaders headers, string name, string xName)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            headers.Remove(xName);
            headers.TryAddWithoutValidation(xName, values.ToString());
        }
    }
}
