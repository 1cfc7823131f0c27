using System.Buffers;
using System.IO.Pipelines;
using MicroHosting.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Receives the http broker's <c>POST /_sub?id=&lt;nodeId&gt;</c> with Go Micro's answers: 405 for another method, 500 with
/// error JSON for an unreadable or unparsable body or a missing <c>:topic</c>, 200 once the handlers ran. Beyond Go
/// Micro (whose publisher ignores the status): 404 when no subscription here matches, 500 when a handler threw, so
/// our publisher retries elsewhere and reports the failure.
/// </summary>
internal sealed class HttpBrokerMiddleware(RequestDelegate next, IServiceProvider services, IOptions<MicroOptions> options)
{
    private const string ErrorId = "go.micro.broker";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!string.Equals(context.Request.Path.Value, HttpBroker.SubscribePath, StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            // Go's http.Error: text/plain, nosniff, the message and a newline.
            var response = context.Response;
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.ContentType = "text/plain; charset=utf-8";
            response.Headers.XContentTypeOptions = "nosniff";
            await response.WriteAsync(MicroException.BadRequest(ErrorId, "Method not allowed").ToJson() + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException or InvalidDataException)
        {
            await ErrorAsync(context, StatusCodes.Status500InternalServerError, $"Error reading request body: {ex.Message}").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (!GoMicroEnvelope.TryRead(body, out var headers, out var payload, out var error))
        {
            await ErrorAsync(context, StatusCodes.Status500InternalServerError, $"Error parsing request body: {error}").ConfigureAwait(false);
            return;
        }

        var topicIndex = headers is null ? -1 : Array.FindIndex(headers, static h => h.Key == ":topic");
        if (headers is null || topicIndex < 0 || headers[topicIndex].Value.Length == 0)
        {
            await ErrorAsync(context, StatusCodes.Status500InternalServerError, "Topic not found").ConfigureAwait(false);
            return;
        }

        var topic = headers[topicIndex].Value;
        var id = request.Query["id"].ToString();
        var broker = services.GetService(typeof(HttpBroker)) as HttpBroker;
        var subscriptions = broker?.Match(topic, id) ?? [];
        if (subscriptions.Count == 0)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no subscriber {id} of topic {topic} here").ConfigureAwait(false);
            return;
        }

        // Go Micro's :topic header is the routing key, not a message header; the rest become the message's, without a copy.
        var message = BrokerMessage.Own([.. headers.AsSpan(0, topicIndex), .. headers.AsSpan(topicIndex + 1)], payload ?? []);
        foreach (var subscription in subscriptions)
        {
            try
            {
                await subscription.Handler(topic, message, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                var detail = ex is MicroException micro ? $"subscriber failed: {micro.Detail}" : "subscriber failed: internal error";
                await ErrorAsync(context, StatusCodes.Status500InternalServerError, detail).ConfigureAwait(false);
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static Task ErrorAsync(HttpContext context, int code, string detail)
    {
        var response = context.Response;
        response.StatusCode = code;
        return response.WriteAsync(new MicroException(ErrorId, code, detail).ToJson(), context.RequestAborted);
    }

    private async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodySize;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            throw new InvalidDataException($"the body of {context.Request.ContentLength} bytes exceeds the limit of {limit} bytes (MicroOptions.MaxRequestBodySize)");
        }

        PipeReader reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.End);
                throw new InvalidDataException($"the body exceeds the limit of {limit} bytes (MicroOptions.MaxRequestBodySize)");
            }

            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
