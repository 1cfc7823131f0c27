using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Runs before routing: turns Go Micro v2.5+'s broker delivery, <c>POST /?id=&lt;nodeId&gt;</c>, into the routed
/// <c>POST /_sub?id=</c>, so both generations reach one endpoint with its authorization, filters and rate limits. Go
/// Micro's RPC also posts to <c>/</c>, always naming the endpoint in <c>Micro-Endpoint</c>/<c>Micro-Method</c> (or their
/// <c>X-</c> forms) and never with an <c>id</c> query; a broker delivery has an <c>id</c> and no endpoint header.
/// </summary>
internal sealed class HttpBrokerRequestMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.Value is "/" && HttpMethods.IsPost(request.Method) && IsBrokerDelivery(request))
        {
            request.Path = HttpBroker.SubscribePath;
        }

        return next(context);
    }

    internal static bool IsBrokerDelivery(HttpRequest request)
    {
        if (!request.QueryString.HasValue || request.Query["id"].Count == 0)
        {
            return false;
        }

        var headers = request.Headers;
        return headers[MicroHeaders.Endpoint].Count == 0 && headers[MicroHeaders.XEndpoint].Count == 0 &&
            headers[MicroHeaders.Method].Count == 0 && headers[MicroHeaders.XMethod].Count == 0;
    }
}
