using System.Buffers;
using System.IO.Pipelines;
using MicroHosting.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// The http broker's receive endpoint, for both Go Micro generations: v1's <c>POST /_sub?id=&lt;nodeId&gt;</c> (topic in the
/// envelope's <c>:topic</c>) and v2.5+'s <c>POST /?id=&lt;nodeId&gt;</c> (rewritten to <c>/_sub</c> before routing by
/// <see cref="HttpBrokerRequestMiddleware"/>; topic in <c>Micro-Topic</c>). Go Micro's answers: 405 for another method,
/// 500 with error JSON for an unreadable or unparsable body or a missing topic, 200 once the handlers ran. Beyond Go
/// Micro (whose publisher ignores the status): 404 when no subscription here matches, 500 when a handler threw, so
/// our publisher retries elsewhere and reports the failure.
/// </summary>
internal sealed class HttpBrokerEndpoint(IServiceProvider services, IOptions<MicroOptions> options)
{
    private const string ErrorId = HttpBroker.ErrorId;

    public async Task InvokeAsync(HttpContext context)
    {
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

        // v1's ":topic" is a routing key, not a message header; v2.5+'s "Micro-Topic" is both.
        var topicIndex = headers is null ? -1 : Array.FindIndex(headers, static h => h.Key == GoMicroEnvelope.V1TopicHeader);
        var topic = topicIndex >= 0 ? headers![topicIndex].Value : Array.Find(headers ?? [], static h => h.Key == GoMicroEnvelope.TopicHeader).Value;
        if (headers is null || string.IsNullOrEmpty(topic))
        {
            await ErrorAsync(context, StatusCodes.Status500InternalServerError, "Topic not found").ConfigureAwait(false);
            return;
        }

        var id = request.Query["id"].ToString();
        var broker = services.GetService(typeof(HttpBroker)) as HttpBroker;
        var subscriptions = broker?.Match(topic, id) ?? [];
        if (subscriptions.Count == 0)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no subscriber {id} of topic {topic} here").ConfigureAwait(false);
            return;
        }

        // The headers become the message's, without a copy (but for v1's routing key).
        var message = topicIndex < 0
            ? BrokerMessage.FromOwnedHeaders(headers, payload ?? [])
            : BrokerMessage.FromOwnedHeaders([.. headers.AsSpan(0, topicIndex), .. headers.AsSpan(topicIndex + 1)], payload ?? []);
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
