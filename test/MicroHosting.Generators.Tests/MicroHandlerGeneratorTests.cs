using System.Reflection;
using Microsoft.CodeAnalysis;

namespace MicroHosting.Generators.Tests;

/// <summary>
/// The handler generator: what it compiles for MapMicroHandlers&lt;THandler&gt;() calls, and that the runtime takes those
/// calls instead of building them with MakeGenericMethod (the ContractClientTests then call them over real Kestrel).
/// </summary>
public sealed class MicroHandlerGeneratorTests
{
    [Fact]
    public void Generate_HandlerClassOfEveryShape_RegistersACompiledCallPerMethod()
    {
        var (diagnostics, output) = GeneratorHarness.Run(new MicroHandlerGenerator(), """
            [MicroContract]
            public interface IShop
            {
                Task<Reply> BuyAsync(Request request, CancellationToken cancellationToken);
            }

            public sealed class Handler : IShop
            {
                public Task<Reply> Hello(Request request, MicroContext context, CancellationToken cancellationToken) => Task.FromResult(new Reply(request.Name));
                public ValueTask<Reply> Value(Request request) => new(new Reply(request.Name));
                public Reply Sync(Request request, CancellationToken cancellationToken) => new(request.Name);
                public IAsyncEnumerable<Reply> Watch(Request request, MicroContext context) => throw null!;
                public Task<Reply> Upload(IAsyncEnumerable<Request?> requests) => throw null!;
                public IAsyncEnumerable<Reply> Chat(IAsyncEnumerable<Request> requests, CancellationToken cancellationToken) => throw null!;
                Task<Reply> IShop.BuyAsync(Request request, CancellationToken cancellationToken) => Task.FromResult(new Reply(request.Name));
                public void NotAHandler(Request request) { }
                public Task<Reply> TooMany(Request request, string extra) => throw null!;
            }

            public static class Startup
            {
                public static void Map(WebApplication app) => app.MapMicroHandlers<Handler>("Shop");
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith("MicroHandlerRegistrations.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("KeepContract(typeof(global::Contracts.IShop))", generated, StringComparison.Ordinal);
        Assert.Contains("Unary<global::Contracts.Handler, global::Contracts.Request, global::Contracts.Reply>(\n                \"Contracts.IShop.BuyAsync\"", generated.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("((global::Contracts.IShop)h).BuyAsync(r, c.CancellationToken)", generated, StringComparison.Ordinal);
        Assert.Contains("h.Hello(r, c, c.CancellationToken)", generated, StringComparison.Ordinal);
        Assert.Contains("static (h, r, c) => h.Value(r)", generated, StringComparison.Ordinal);
        Assert.Contains("new global::System.Threading.Tasks.ValueTask<global::Contracts.Reply>(h.Sync(r, c.CancellationToken))", generated, StringComparison.Ordinal);
        Assert.Contains("ServerStream<global::Contracts.Handler, global::Contracts.Request, global::Contracts.Reply>", generated, StringComparison.Ordinal);
        Assert.Contains("ClientStream<global::Contracts.Handler, global::Contracts.Request?, global::Contracts.Reply>", generated, StringComparison.Ordinal);
        Assert.Contains("Duplex<global::Contracts.Handler, global::Contracts.Request, global::Contracts.Reply>", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("NotAHandler", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("TooMany", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_NoMapMicroHandlersCall_GeneratesNothing()
    {
        var (diagnostics, output) = GeneratorHarness.Run(new MicroHandlerGenerator(), """
            public sealed class Handler
            {
                public Task<Reply> Hello(Request request) => Task.FromResult(new Reply(request.Name));
            }
            """);

        Assert.Empty(diagnostics);
        Assert.DoesNotContain(output.SyntaxTrees, t => t.FilePath.EndsWith("MicroHandlerRegistrations.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(nameof(GreeterService.HelloAsync))]
    [InlineData(nameof(GreeterService.Goodbye))]
    [InlineData(nameof(GreeterService.CountAsync))]
    [InlineData(nameof(GreeterService.SumAsync))]
    [InlineData(nameof(GreeterService.Extra))]
    [InlineData("MicroHosting.Generators.Tests.IGreeter.LoudHelloAsync")]
    public void MapMicroHandlers_ProjectWithTheGenerator_EveryHandlerMethodHasACompiledCall(string name)
    {
        // This project builds with the generator, and ContractClientTests maps GreeterService: the module initializer has
        // registered a call per method, which the runtime uses instead of MakeGenericMethod.
        var method = typeof(GreeterService).GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!;

        Assert.NotNull(MicroHandlerBindings.Find(typeof(GreeterService), method));
    }
}
