using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Routes Go Micro's <c>POST /</c> (endpoint named in <c>Micro-Endpoint</c>/<c>Micro-Method</c>, or their <c>X-</c> forms)
/// to the endpoint's native path before routing runs, so the same endpoint, filters and authorization serve both.
/// A native <c>POST /Type/Method</c> that no endpoint matched gets Go Micro's 404 error JSON instead of an empty 404.
/// A gRPC call (<c>POST /&lt;package&gt;.&lt;Type&gt;/&lt;Method&gt;</c> over HTTP/2) is routed the same way and marked
/// with <see cref="MicroWireFeature"/>.
/// </summary>
internal sealed class GoMicroRequestMiddleware(RequestDelegate next, MicroEndpointCatalog catalog, MicroServerRuntime runtime)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (GrpcServerWire.IsGrpc(request) && GrpcServerWire.TryGetEndpoint(request.Path.Value, out var grpcEndpoint))
        {
            return RouteGrpc(context, grpcEndpoint);
        }

        if (request.Path.Value is "/" && HttpMethods.IsPost(request.Method))
        {
            var headers = request.Headers;
            var endpoint = First(headers, MicroHeaders.Endpoint, MicroHeaders.XEndpoint, MicroHeaders.Method, MicroHeaders.XMethod);
            if (endpoint is not null)
            {
                MicroWireFeature.Set(context, MicroWire.GoMicro);
                if (!catalog.TryGetPath(endpoint, out var path))
                {
                    return runtime.Writer.WriteErrorAsync(context, MicroException.NotFound(runtime.ServiceName, $"unknown endpoint {endpoint}"), MicroWire.GoMicro);
                }

                request.Path = path;
            }
        }
        else if (HttpMethods.IsPost(request.Method) && MicroEndpointName.IsPathShape(request.Path.Value))
        {
            // Checked after routing rather than with a catch-all /{type}/{method} endpoint: that endpoint is a routing
            // candidate for every native call and made routing capture route values (allocations) on each one.
            var task = next(context);
            return task.IsCompletedSuccessfully ? NotFoundIfUnmatched(context) : NotFoundIfUnmatchedAsync(task, context);
        }

        return next(context);
    }

    private Task RouteGrpc(HttpContext context, string endpoint)
    {
        if (!catalog.TryGetPath(endpoint, out var path))
        {
            // gRPC callers expect Unimplemented for an unknown method; the error JSON keeps Go Micro's 404.
            return GrpcServerWire.WriteErrorAsync(context, MicroException.NotFound(runtime.ServiceName, $"unknown endpoint {endpoint}"), GrpcStatusMap.Unimplemented);
        }

        if (GrpcServerWire.TryRejectEncoding(context, runtime.ServiceName, out var rejected))
        {
            return rejected;
        }

        MicroWireFeature.Set(context, MicroWire.Grpc);
        context.Request.Path = path;
        return next(context);
    }

    private async Task NotFoundIfUnmatchedAsync(Task next, HttpContext context)
    {
        await next.ConfigureAwait(false);
        await NotFoundIfUnmatched(context).ConfigureAwait(false);
    }

    private Task NotFoundIfUnmatched(HttpContext context)
    {
        var response = context.Response;
        if (context.GetEndpoint() is not null || response.HasStarted || response.StatusCode != StatusCodes.Status404NotFound)
        {
            return Task.CompletedTask;
        }

        var name = MicroEndpointName.NameOfPath(context.Request.Path.Value!);
        return runtime.Writer.WriteErrorAsync(context, MicroException.NotFound(runtime.ServiceName, $"unknown endpoint {name}"), MicroWire.Native);
    }

    private static string? First(IHeaderDictionary headers, string a, string b, string c, string d)
    {
        StringValues value;
        if ((value = headers[a]).Count > 0 || (value = headers[b]).Count > 0 || (value = headers[c]).Count > 0 || (value = headers[d]).Count > 0)
        {
            return value.ToString();
        }

        return null;
    }
}
