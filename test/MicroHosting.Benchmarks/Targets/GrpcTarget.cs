using Grpc.Net.Client;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>The gRPC for .NET baseline: <c>Grpc.Net.Client</c> over h2c (or TLS, trusting the run's CA), several HTTP/2 connections when streams run out.</summary>
internal sealed class GrpcTarget : CallTarget
{
    private readonly GrpcChannel _channel;
    private readonly Bench.BenchClient _client;
    private readonly bool _large;

    public GrpcTarget(Uri address, bool large, string? caFile = null)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false };
        if (caFile is not null)
        {
            var trust = Servers.BenchPki.TrustOnly(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) => trust(sender, certificate, chain, errors);
        }

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
        _client = new Bench.BenchClient(_channel);
        _large = large;
    }

    /// <summary>
    /// The same client against the MicroHosting server's gRPC wire: its cleartext HTTP/2 listener (the <c>h2c</c> port it
    /// registered), where its handlers <c>Bench.Hello</c> and <c>Bench.Echo</c> answer <c>/microhosting.bench.Bench/*</c>.
    /// </summary>
    public static GrpcTarget ForMicro(Servers.ServerAddresses addresses, bool large)
    {
        var node = addresses.Service?.Nodes[0] ?? throw new InvalidOperationException("The servers did not report the MicroHosting service's registration.");
        var port = node.Metadata.TryGetValue("h2c", out var h2c) ? h2c : throw new InvalidOperationException("The MicroHosting benchmark service registered no h2c port.");
        return new GrpcTarget(new Uri($"http://{node.Address}:{port}"), large);
    }

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        if (_large)
        {
            var reply = await _client.EchoAsync(Messages.Large, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (reply.Values.Count != Messages.Large.Values.Count)
            {
                throw new InvalidOperationException("Bench.Echo replied with a different message.");
            }

            return;
        }

        var hello = await _client.HelloAsync(Messages.SmallProto, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (hello.Message.Length == 0)
        {
            throw new InvalidOperationException("Bench.Hello replied without a message.");
        }
    }

    public override void Dispose() => _channel.Dispose();
}
