using System.Diagnostics;
using System.Reflection;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>The request path of a unary endpoint: decode, call, encode, and turn failures into Go Micro errors.</summary>
internal sealed class MicroHandler<TRequest, TResponse>(string name, MethodInfo method, Func<TRequest, MicroContext, ValueTask<TResponse>> invoke)
    : MicroHandler(name, method)
{
    public override Type RequestType => typeof(TRequest);

    public override Type ResponseType => typeof(TResponse);

    public override RequestDelegate CreateRequestDelegate(MicroServerRuntime runtime, EndpointFilterDelegate? filters)
        => context => HandleAsync(context, runtime, filters);

    public override EndpointFilterDelegate CreateFilterTarget()
        => async invocation => await invoke(invocation.GetArgument<TRequest>(0), invocation.GetArgument<MicroContext>(1)).ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context, MicroServerRuntime runtime, EndpointFilterDelegate? filters)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = MicroTelemetry.StartServer(Name, runtime.ServiceName, context.Request.Headers);
        var status = StatusCodes.Status200OK;
        var wire = MicroWireFeature.Of(context);
        var codec = runtime.Codecs.ForRequest(context.Request, wire);
        if (codec is null || !codec.CanHandle(typeof(TRequest)))
        {
            await runtime.Writer.WriteErrorAsync(context, UnsupportedContentType(runtime, context.Request.ContentType), wire).ConfigureAwait(false);
            MicroTelemetry.StopServer(activity, runtime.Metrics, Name, runtime.ServiceName, StatusCodes.Status415UnsupportedMediaType, started);
            return;
        }

        var responseCodec = runtime.Codecs.ForResponse(context.Request, wire, codec, typeof(TResponse));
        if (!runtime.Reader.TryGetDeadline(context.Request, out var deadline, out var deadlineError))
        {
            await runtime.Writer.WriteErrorAsync(context, deadlineError, wire).ConfigureAwait(false);
            MicroTelemetry.StopServer(activity, runtime.Metrics, Name, runtime.ServiceName, deadlineError.Code, started);
            return;
        }

        CancellationTokenSource? deadlineSource = null;
        CancellationTokenRegistration abortRegistration = default;
        var cancellationToken = context.RequestAborted;
        if (deadline is { } due)
        {
            var left = due - runtime.TimeProvider.GetUtcNow();
            deadlineSource = DeadlineSourcePool.Rent(left > TimeSpan.Zero ? left : TimeSpan.Zero, runtime.TimeProvider);
            abortRegistration = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadlineSource);
            cancellationToken = deadlineSource.Token;
        }

        var previous = MicroContext.Current;
        try
        {
            var request = await runtime.Reader.ReadAsync<TRequest>(context, wire, codec, cancellationToken).ConfigureAwait(false);
            var microContext = new MicroContext(context, runtime.ServiceName, Name, deadline, cancellationToken, runtime.TimeProvider);
            MicroContext.Current = microContext;
            runtime.Lifetime.OnServed(context);
            if (filters is null)
            {
                var response = await invoke(request, microContext).ConfigureAwait(false);
                await runtime.Writer.WriteResponseAsync(context, responseCodec, response, wire).ConfigureAwait(false);
                return;
            }

            var result = await filters(EndpointFilterInvocationContext.Create(context, request, microContext)).ConfigureAwait(false);
            switch (result)
            {
                case TResponse typed:
                    await runtime.Writer.WriteResponseAsync(context, responseCodec, typed, wire).ConfigureAwait(false);
                    break;
                case IResult httpResult:
                    await httpResult.ExecuteAsync(context).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException(
                        $"An endpoint filter on {Name} returned {result?.GetType().Name ?? "null"}; filters must return the handler's {typeof(TResponse).Name}, an IResult, or throw a MicroException.");
            }
        }
        catch (Exception ex)
        {
            var deadlinePassed = deadlineSource is { IsCancellationRequested: true } && !context.RequestAborted.IsCancellationRequested;
            var error = runtime.Writer.ToError(context, ex, Name, deadlinePassed);
            status = error?.Code ?? StatusCodes.Status499ClientClosedRequest;
            if (error is not null)
            {
                await runtime.Writer.WriteErrorAsync(context, error, wire).ConfigureAwait(false);
            }
        }
        finally
        {
            MicroTelemetry.StopServer(activity, runtime.Metrics, Name, runtime.ServiceName, status, started);
            MicroContext.Current = previous;
            abortRegistration.Dispose();
            if (deadlineSource is not null)
            {
                DeadlineSourcePool.Return(deadlineSource, runtime.TimeProvider);
            }
        }
    }

    private MicroException UnsupportedContentType(MicroServerRuntime runtime, string? contentType)
    {
        var supported = runtime.Codecs.SupportedFor(typeof(TRequest));
        return new MicroException(
            runtime.ServiceName,
            StatusCodes.Status415UnsupportedMediaType,
            $"Content-Type '{contentType}' cannot carry {Name}'s request ({typeof(TRequest).Name}); use one of: {supported}");
    }
}
