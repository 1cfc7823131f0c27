using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MicroHosting.Generators.Tests;

/// <summary>The generator run by hand on source strings: what it generates compiles, and bad contracts get a diagnostic that says what to fix.</summary>
public sealed class MicroContractGeneratorTests
{
    [Fact]
    public void Generate_SupportedContract_CompilesWithoutDiagnostics()
    {
        var (diagnostics, output) = GeneratorHarness.Run("""
            [MicroContract]
            public interface IGreeter
            {
                Task<Reply> HelloAsync(Request request, CancellationToken cancellationToken = default);
                ValueTask<Reply> Hi(Request @event);
                IAsyncEnumerable<Reply> WatchAsync(Request request, CancellationToken cancellationToken);
                Task<Reply> UploadAsync(IAsyncEnumerable<Request?> requests, CancellationToken cancellationToken);
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("\"Greeter.Hello\"", generated, StringComparison.Ordinal);
        Assert.Contains("\"Greeter.Hi\"", generated, StringComparison.Ordinal);
        Assert.Contains("ServerStreamAsync<global::Contracts.Request, global::Contracts.Reply>(\"Greeter.Watch\"", generated, StringComparison.Ordinal);
        Assert.Contains("ClientStreamAsync<global::Contracts.Request?, global::Contracts.Reply>(\"Greeter.Upload\"", generated, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(
        "Task PingAsync(Request request);",
        "MICRO001",
        "Method 'PingAsync' of contract 'Contracts.IGreeter' returns 'System.Threading.Tasks.Task': every Go Micro RPC replies, so a contract method returns its reply type;")]
    [InlineData(
        "Reply Hello(Request request);",
        "MICRO001",
        "Method 'Hello' of contract 'Contracts.IGreeter' returns 'Contracts.Reply': use Task<TResponse> or ValueTask<TResponse> M(TRequest request)")]
    [InlineData(
        "IAsyncEnumerable<Reply> ChatAsync(IAsyncEnumerable<Request> requests);",
        "MICRO001",
        "a contract method cannot stream both ways; call bidirectional endpoints with MicroServiceClient.OpenDuplexStreamAsync")]
    [InlineData(
        "Task<Reply> HelloAsync(Request request, string name);",
        "MICRO002",
        "Method 'HelloAsync' of contract 'Contracts.IGreeter' has unsupported parameters: take (TRequest request) or (TRequest request, CancellationToken cancellationToken)")]
    [InlineData(
        "Task<Reply> HelloAsync();",
        "MICRO002",
        "take (TRequest request) or (TRequest request, CancellationToken cancellationToken)")]
    [InlineData(
        "Task<Reply> HelloAsync(Request request, MicroCallOptions options);",
        "MICRO002",
        "a MicroCallOptions parameter is not supported in contracts; set the client's defaults in AddMicroClient<T>(name, configure)")]
    [InlineData(
        "Task<Reply> HelloAsync(Request request, MicroContext context);",
        "MICRO002",
        "MicroContext is server-side only")]
    [InlineData(
        "Task<Reply> HelloAsync(ref Request request);",
        "MICRO002",
        "ref, out, in and params parameters cannot cross the network")]
    [InlineData(
        "string Name { get; }",
        "MICRO003",
        "Member 'Name' of contract 'Contracts.IGreeter' is not supported: a contract declares only RPC methods, not a property")]
    [InlineData(
        "Task<T> GetAsync<T>(Request request);",
        "MICRO003",
        "Member 'GetAsync' of contract 'Contracts.IGreeter' is not supported: it is generic")]
    [InlineData(
        "Task<Reply> HelloAsync(Request request); Task<Reply> Hello(Request request, CancellationToken cancellationToken);",
        "MICRO005",
        "Endpoint name 'Greeter.Hello' of contract 'Contracts.IGreeter' is invalid: another method of the contract already calls it")]
    [InlineData(
        "[MicroEndpoint(\"Say.Hello\")] Task<Reply> HelloAsync(Request request);",
        "MICRO005",
        "Endpoint name 'Say.Hello' of contract 'Contracts.IGreeter' is invalid: the endpoint is Type.Method, so a part has no '.'")]
    public void Generate_UnsupportedMember_ReportsWhatToFix(string member, string id, string message)
    {
        var (diagnostics, output) = GeneratorHarness.Run($$"""
            [MicroContract]
            public interface IGreeter
            {
                {{member}}
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.DoesNotContain(output.SyntaxTrees, t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[MicroContract] public interface IBase<T> { Task<T> GetAsync(Request request); }", "Contract interface 'Contracts.IBase<T>' is not supported: it is generic")]
    [InlineData("public interface IOther { } [MicroContract] public interface IGreeter : IOther { }", "Contract interface 'Contracts.IGreeter' is not supported: it inherits other interfaces")]
    [InlineData("public class Outer { [MicroContract] private interface IGreeter { } }", "the generated client must see it; make it (and any type containing it) public or internal")]
    [InlineData("[MicroContract(\"\")] public interface IGreeter { }", "Endpoint name '' of contract 'Contracts.IGreeter' is invalid: it is empty")]
    public void Generate_UnsupportedInterface_ReportsWhatToFix(string source, string message)
    {
        var (diagnostics, _) = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
