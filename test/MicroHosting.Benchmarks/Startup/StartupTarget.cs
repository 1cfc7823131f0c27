namespace MicroHosting.Benchmarks.Startup;

/// <summary>One program the <c>startup</c> scenario starts: how to run it, the output line that says it is ready, and how to call it.</summary>
/// <param name="Name">The row name.</param>
/// <param name="FileName">The executable (<c>dotnet</c> for a JIT build).</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Environment">Environment variables to set.</param>
/// <param name="ReadyPattern">The output line, a regular expression, that marks "registered" (MicroHosting) or "listening" (gRPC, no registry).</param>
/// <param name="Grpc">Whether calls go over gRPC (Bench.Hello) instead of MicroHosting's native JSON route (POST /Greeter/Hello).</param>
internal sealed record StartupTarget(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string ReadyPattern,
    bool Grpc);
