namespace MicroHosting.Benchmarks;

/// <summary>Finds programs (taskset, nats-server) on the PATH.</summary>
internal static class Executables
{
    public static string? Find(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
