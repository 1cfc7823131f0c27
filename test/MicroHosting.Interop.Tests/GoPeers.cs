using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MicroHosting.TestUtilities;

namespace MicroHosting.Interop.Tests;

/// <summary>
/// The real Go Micro programs of <c>../shared/gomicro</c> (beside the repository), built with its <c>build.sh</c> into
/// <c>$TMPDIR/microhosting-gomicro-peers/&lt;hash of the sources&gt;</c>, once per source version (later runs reuse the
/// binaries), or taken from <c>MICRO_GOMICRO_PEERS</c> when CI built them already.
/// </summary>
internal static class GoPeers
{
    private static readonly Lazy<string?> UnavailableReason = new(Probe);
    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static string? _directory;

    /// <summary>
    /// Gets <c>../shared/gomicro</c> beside the repository, or beside the nearest folder above it that has one (a git
    /// worktree under the checkout's parent); <c>MICRO_GOMICRO_SOURCES</c> overrides it.
    /// </summary>
    public static string Sources { get; } = FindSources();

    /// <summary>Gets why the peers cannot be built here, or <see langword="null"/>.</summary>
    public static string? Unavailable => UnavailableReason.Value;

    /// <summary>Builds the peers (or finds them built) and returns the folder holding the binaries.</summary>
    public static async Task<string> BuildAsync()
    {
        await BuildGate.WaitAsync();
        try
        {
            if (_directory is not null)
            {
                return _directory;
            }

            if (Environment.GetEnvironmentVariable("MICRO_GOMICRO_PEERS") is { Length: > 0 } prebuilt && AllBuilt(prebuilt))
            {
                return _directory = prebuilt;
            }

            var output = Path.Combine(Path.GetTempPath(), "microhosting-gomicro-peers", SourceHash());
            if (!AllBuilt(output))
            {
                // build.sh writes each binary through a .tmp file and a rename, so concurrent builds of one hash cannot mix.
                var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                info.ArgumentList.Add(Path.Combine(Sources, "build.sh"));
                info.ArgumentList.Add(output);
                using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
                await process.WaitForExitAsync(limit.Token);
                if (process.ExitCode != 0 || !AllBuilt(output))
                {
                    throw new InvalidOperationException($"{Path.Combine(Sources, "build.sh")} {output} failed ({process.ExitCode}): {await stderr}{await stdout}");
                }
            }

            return _directory = output;
        }
        finally
        {
            BuildGate.Release();
        }
    }

    private static readonly string[] Programs = ["gm-server", "gm-client", "gm-grpc-server", "gm-grpc-client", "gm1-server", "gm1-client", "gm5-server", "gm5-client"];

    private static bool AllBuilt(string directory) => Programs.All(p => File.Exists(Path.Combine(directory, p)));

    private static string FindSources()
    {
        if (Environment.GetEnvironmentVariable("MICRO_GOMICRO_SOURCES") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        for (var directory = Directory.GetParent(RepositoryPaths.Root); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "gomicro");
            if (File.Exists(Path.Combine(candidate, "build.sh")))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "gomicro"));
    }

    private static string SourceHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(Sources, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(Sources, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string? Probe()
    {
        if (!File.Exists(Path.Combine(Sources, "build.sh")))
        {
            return $"The Go Micro peers are not there: put the gomicro folder (sources and build.sh) at {Sources}, beside the repository.";
        }

        if (Environment.GetEnvironmentVariable("MICRO_GOMICRO_PEERS") is { Length: > 0 } prebuilt && AllBuilt(prebuilt))
        {
            return null;
        }

        if (ExternalServer.Find("go") is null && !(Environment.IsPrivilegedProcess && ExternalServer.Find("apt-get") is not null))
        {
            return "Building the Go Micro peers needs Go: install golang-go (Debian) and the packages listed in " +
                $"{Path.Combine(Sources, "README.md")}, or run the tests as root so {Path.Combine(Sources, "build.sh")} installs them.";
        }

        return NetworkNamespaces.Unavailable;
    }
}
