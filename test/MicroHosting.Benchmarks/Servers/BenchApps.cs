using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using MicroHosting.Benchmarks.Load;
using MicroHosting.Benchmarks.Protos;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>
/// The servers under test, each its own Kestrel app on 127.0.0.1 with a free port, built the same way (slim builder,
/// no logging) so the only difference is what answers the request.
/// </summary>
internal static class BenchApps
{
    /// <summary>The bare minimal API: the same routes and messages as MicroHosting's native routes, nothing else.</summary>
    public static Task<WebApplication> StartRawAsync(CancellationToken cancellationToken)
    {
        var app = CreateBuilder(http2Only: false).Build();
        app.MapPost("/Greeter/Hello", (GreetRequest request) => Greet(request));
        app.MapPost("/Bench/Echo", EchoProtobufAsync);
        return StartAsync(app, cancellationToken);
    }

    /// <summary>The MicroHosting service's name.</summary>
    public const string MicroServiceName = "bench";

    /// <summary>Reads the MicroHosting service as it registered itself (node address and metadata), for a client's registry.</summary>
    public static async Task<MicroService> GetRegisteredAsync(WebApplication micro, CancellationToken cancellationToken)
    {
        var registry = micro.Services.GetRequiredService<IRegistry>();
        for (var attempt = 0; ; attempt++)
        {
            var services = await registry.GetServiceAsync(MicroServiceName, cancellationToken).ConfigureAwait(false);
            if (services is [{ Nodes.Count: > 0 } service, ..])
            {
                return service;
            }

            if (attempt == 100)
            {
                throw new InvalidOperationException("The MicroHosting benchmark service did not register within 10 s.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A MicroHosting service with the same two endpoints (natively at <c>/Type/Method</c>, Go Micro style at <c>/</c>).</summary>
    public static Task<WebApplication> StartMicroAsync(CancellationToken cancellationToken, BenchPki? tls = null)
    {
        // MicroHosting listens itself: HTTP/1.1 on Address (listed first in app.Urls) and cleartext HTTP/2 on Http2Address,
        // or, with TLS, HTTP/1.1 and HTTP/2 (ALPN) on Address alone.
        var builder = CreateBuilder(http2Only: false, listen: false);
        if (tls is not null)
        {
            builder.Configuration["Micro:Tls:CertificateFile"] = tls.CertificateFile;
            builder.Configuration["Micro:Tls:KeyFile"] = tls.KeyFile;
        }

        builder.Services.AddMicro(o =>
        {
            o.Name = MicroServiceName;
            o.Address = "127.0.0.1:0";
            o.Http2Address = tls is null ? "127.0.0.1:0" : null;
        }).UseRegistry(new InMemoryRegistry());
        var app = builder.Build();
        app.MapMicroHandler("Greeter.Hello", (GreetRequest request) => Greet(request));
        app.MapMicroHandler("Bench.Echo", (Payload payload) => payload);

        // Bench.Hello as BenchGrpcService answers it: what Grpc.Net.Client calls on the gRPC wire rows.
        app.MapMicroHandler("Bench.Hello", (HelloRequest request) => new HelloReply { Message = "Hello " + request.Name });
        app.MapMicroHandler("Bench.Count", (CountRequest request, CancellationToken cancellationToken) => CountAsync(request.Count, cancellationToken));
        app.MapMicroHandler("Bench.Flood", (CountRequest request, CancellationToken cancellationToken) => FloodAsync(request.Count, cancellationToken));
        return StartAsync(app, cancellationToken);
    }

    /// <summary><c>Grpc.AspNetCore</c> on an HTTP/2-only (h2c) endpoint.</summary>
    public static Task<WebApplication> StartGrpcAsync(CancellationToken cancellationToken, BenchPki? tls = null)
    {
        var builder = CreateBuilder(http2Only: true, certificate: tls?.LoadServerCertificate());
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<BenchGrpcService>();
        return StartAsync(app, cancellationToken);
    }

    /// <summary>
    /// Answers <c>GET /usage</c> with the process's allocated bytes and CPU time (<see cref="ProcessUsage"/>), so the load
    /// generator can report server bytes and CPU per call, <c>GET /profile</c> with the sampled allocation profile since the last request (empty when off), and
    /// <c>GET /service</c> with the MicroHosting service as registered.
    /// </summary>
    public static Task<WebApplication> StartControlAsync(WebApplication micro, AllocationSampler? sampler, CancellationToken cancellationToken, WebApplication? microTls = null)
    {
        var app = CreateBuilder(http2Only: false).Build();
        app.MapGet("/service", (CancellationToken ct) => GetRegisteredAsync(micro, ct));
        if (microTls is not null)
        {
            app.MapGet("/service-tls", (CancellationToken ct) => GetRegisteredAsync(microTls, ct));
        }

        app.MapGet("/usage", () => ProcessUsage.Current().Format());
        app.MapGet("/profile", () => sampler?.Take() ?? string.Empty);
        return StartAsync(app, cancellationToken);
    }

    private static async IAsyncEnumerable<CountReply> CountAsync(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            yield return new CountReply { Sequence = i, Text = "item" };
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<Payload> FloodAsync(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            yield return Messages.Large;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static GreetReply Greet(GreetRequest request) => new("Hello " + request.Name);

    private static async Task EchoProtobufAsync(HttpContext context)
    {
        // What a careful hand-written endpoint does: read the body, parse, write the same message back with a length.
        var reader = context.Request.BodyReader;
        Payload payload;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                payload = Payload.Parser.ParseFrom(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                break;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        var response = context.Response;
        response.ContentType = "application/protobuf";
        var size = payload.CalculateSize();
        response.ContentLength = size;
        var writer = response.BodyWriter;
        payload.WriteTo(writer.GetSpan(size)[..size]);
        writer.Advance(size);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    internal static WebApplicationBuilder CreateBuilder(bool http2Only, bool listen = true, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("MICROHOSTING_BENCH_LOG") is "1")
        {
            builder.Logging.AddSimpleConsole();
        }
        builder.WebHost.UseKestrel(kestrel =>
        {
            if (listen)
            {
                kestrel.Listen(IPAddress.Loopback, 0, options =>
                {
                    options.Protocols = http2Only ? HttpProtocols.Http2 : HttpProtocols.Http1;
                    if (certificate is not null)
                    {
                        options.UseHttps(certificate);
                    }
                });
            }
        });
        return builder;
    }

    private static async Task<WebApplication> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
