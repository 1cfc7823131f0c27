using Microsoft.CodeAnalysis;

namespace MicroHosting.Generators.Tests;

/// <summary>Proto-first contracts: the generator run by hand on .proto files given as AdditionalFiles.</summary>
public sealed class ProtoContractGeneratorTests
{
    // What Grpc.Tools generates for the messages, as far as the generator looks: the C# types by name. The well-known
    // types come from the Google.Protobuf assembly the test references.
    private const string Messages = """
        namespace Greeter.Contracts
        {
            public sealed class HelloRequest { }
            public sealed class HelloReply { public sealed class Types { public sealed class Part { } } }
        }
        namespace Shop.V1 { public sealed class Order { } }
        """;

    private const string Header = """
        syntax = "proto3";
        package greeter;
        option csharp_namespace = "Greeter.Contracts";
        import "google/protobuf/empty.proto";
        message HelloRequest { string name = 1; }
        message HelloReply {
          string message = 1;
          message Part { string text = 1; }
        }

        """;

    [Theory]
    [InlineData("rpc Hello(HelloRequest) returns (HelloReply);", "global::System.Threading.Tasks.Task<global::Greeter.Contracts.HelloReply> HelloAsync(global::Greeter.Contracts.HelloRequest request", "CallAsync<global::Greeter.Contracts.HelloRequest, global::Greeter.Contracts.HelloReply>(\"Greeter.Hello\"")]
    [InlineData("rpc Count(HelloRequest) returns (stream HelloReply);", "global::System.Collections.Generic.IAsyncEnumerable<global::Greeter.Contracts.HelloReply> CountAsync(global::Greeter.Contracts.HelloRequest request", "ServerStreamAsync<global::Greeter.Contracts.HelloRequest, global::Greeter.Contracts.HelloReply>(\"Greeter.Count\"")]
    [InlineData("rpc Sum(stream HelloRequest) returns (HelloReply);", "global::System.Threading.Tasks.Task<global::Greeter.Contracts.HelloReply> SumAsync(global::System.Collections.Generic.IAsyncEnumerable<global::Greeter.Contracts.HelloRequest> requests", "ClientStreamAsync<global::Greeter.Contracts.HelloRequest, global::Greeter.Contracts.HelloReply>(\"Greeter.Sum\"")]
    [InlineData("rpc Chat(stream HelloRequest) returns (stream HelloReply);", "global::System.Collections.Generic.IAsyncEnumerable<global::Greeter.Contracts.HelloReply> ChatAsync(global::System.Collections.Generic.IAsyncEnumerable<global::Greeter.Contracts.HelloRequest> requests", "OpenDuplexStreamAsync<global::Greeter.Contracts.HelloRequest, global::Greeter.Contracts.HelloReply>(\"Greeter.Chat\"")]
    [InlineData("rpc Parts(.greeter.HelloRequest) returns (stream HelloReply.Part) { option deprecated = true; }", "IAsyncEnumerable<global::Greeter.Contracts.HelloReply.Types.Part> PartsAsync(global::Greeter.Contracts.HelloRequest request", "(\"Greeter.Parts\"")]
    [InlineData("rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);", "Task<global::Google.Protobuf.WellKnownTypes.Empty> PingAsync(global::Google.Protobuf.WellKnownTypes.Empty request", "(\"Greeter.Ping\"")]
    public void Generate_ServiceRpc_InterfaceAndClientCompileWithTheProtocGenMicroEndpoint(string rpc, string interfaceMethod, string clientCall)
    {
        var (diagnostics, output) = GeneratorHarness.RunProto(Messages, ("greeter.proto", Header + "service Greeter {\n  " + rpc + "\n}\n"));

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var contract = Generated(output, "Greeter.Contracts.IGreeter.g.cs");
        Assert.Contains("[global::MicroHosting.MicroContract(\"Greeter\")]", contract, StringComparison.Ordinal);
        Assert.Contains("public partial interface IGreeter", contract, StringComparison.Ordinal);
        Assert.Contains(interfaceMethod, contract, StringComparison.Ordinal);
        Assert.Contains(clientCall, Generated(output, "Greeter_Contracts_IGreeter_MicroClient.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_PackageWithoutCsharpNamespace_UsesProtocsPascalCaseNamespace()
    {
        var proto = """
            syntax = "proto3";
            package shop.v1;
            /* block comment with service Fake { } inside */
            message Order { map<string, string> tags = 1; } // service Nope {}
            service Orders { rpc Place(Order) returns (Order); }
            """;

        var (diagnostics, output) = GeneratorHarness.RunProto(Messages, ("shop.proto", proto));

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains("namespace Shop.V1", Generated(output, "Shop.V1.IOrders.g.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain(output.SyntaxTrees, t => t.FilePath.Contains("IFake", StringComparison.Ordinal) || t.FilePath.Contains("INope", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_TypesFromAnotherProto_ResolvesThroughItsPackage()
    {
        var shop = "syntax = \"proto3\";\npackage shop.v1;\nmessage Order { }\n";
        var greeter = Header + "import \"shop.proto\";\nservice Greeter { rpc Buy(shop.v1.Order) returns (HelloReply); }\n";

        var (diagnostics, output) = GeneratorHarness.RunProto(Messages, ("shop.proto", shop), ("greeter.proto", greeter));

        Assert.Empty(diagnostics);
        Assert.Contains("BuyAsync(global::Shop.V1.Order request", Generated(output, "Greeter.Contracts.IGreeter.g.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("service Greeter { rpc Hello(Missing) returns (HelloReply); }", "MICRO006", "rpc 'Hello' of service 'Greeter' uses message type 'Missing', which no .proto given to the generator defines")]
    [InlineData("message Extra { }\nservice Greeter { rpc Hello(Extra) returns (HelloReply); }", "MICRO007", "rpc 'Hello' of service 'Greeter' uses 'Extra', but the C# type 'Greeter.Contracts.Extra' is not in the compilation: compile the .proto's messages with Grpc.Tools (<Protobuf Include=\"greeter.proto\" GrpcServices=\"None\" />)")]
    [InlineData("service Greeter { rpc Hello(HelloRequest) HelloReply; }", "MICRO008", "greeter.proto cannot be read for its services: expected 'returns' but found 'HelloReply'")]
    [InlineData("service Greeter { field x = 1; }", "MICRO008", "greeter.proto cannot be read for its services: 'field' is not allowed in a service; write rpc Name(Request) returns (Reply);")]
    [InlineData("service Greeter { }", "MICRO009", "Service 'Greeter' has no rpc, so its contract interface has no methods")]
    public void Generate_UnsupportedProto_ReportsWhatToFixAtTheRpc(string service, string id, string message)
    {
        var (diagnostics, _) = GeneratorHarness.RunProto(Messages, ("greeter.proto", Header + service));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.StartsWith(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("greeter.proto", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(Header.Count(c => c == '\n') + service.Count(c => c == '\n'), diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void Generate_SameServiceInTwoFiles_ReportsTheDuplicate()
    {
        var service = Header + "service Greeter { rpc Hello(HelloRequest) returns (HelloReply); }";

        var (diagnostics, _) = GeneratorHarness.RunProto(Messages, ("a/greeter.proto", service), ("b/greeter.proto", service.Replace("message HelloRequest", "message Other { }\nmessage HelloRequest", StringComparison.Ordinal)));

        Assert.Equal("MICRO010", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Generate_SameFileListedTwice_GeneratesOnce()
    {
        var service = Header + "service Greeter { rpc Hello(HelloRequest) returns (HelloReply); }";

        var (diagnostics, output) = GeneratorHarness.RunProto(Messages, ("greeter.proto", service), ("greeter.proto", service));

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Generate_NoProtoFiles_GeneratesNothing()
    {
        var (diagnostics, output) = GeneratorHarness.RunProto(Messages);

        Assert.Empty(diagnostics);
        Assert.DoesNotContain(output.SyntaxTrees, t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    private static string Generated(Compilation output, string file)
        => Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith(file, StringComparison.Ordinal)).ToString();
}
