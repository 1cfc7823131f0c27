using System.Globalization;
using System.Net.Http.Headers;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The headers a call carries on every attempt, unary or stream, written once per call: the request id, the metadata
/// propagated from the call or message being handled, <c>Micro-From-Service</c>, then the typed client's and the call's
/// metadata. Only the Micro-* names: the X-Micro-* copies a Go Micro node gets are added by its wire (<see cref="MicroWire"/>).
/// </summary>
internal static class MicroCallHeaders
{
    public static void Apply(MicroClientRuntime runtime, MicroCallPlan plan, HttpRequestHeaders headers)
    {
        // A typed call's own new request carries no header yet: nothing to look for or replace before writing ours
        // (propagation never passes Micro-From-Service on). Three header lookups less: Apply 0.070 -> 0.038 µs per call
        // (perf profile of the load generator, unary benchmark, small JSON over HTTP/1.1, c=64).
        var fresh = headers.NonValidated.Count == 0;
        if (fresh || !headers.Contains(MicroHeaders.Id))
        {
            headers.TryAddWithoutValidation(MicroHeaders.Id, MicroRequestId.New());
        }

        // The metadata of the call or message being handled travels on (MetadataPropagation decides which).
        MetadataPropagation.For(runtime.Options).Propagate(headers, static (headers, key, value) =>
        {
            if (!headers.Contains(key))
            {
                headers.TryAddWithoutValidation(key, value);
            }
        });

        if (runtime.FromService is { } from)
        {
            if (!fresh)
            {
                headers.Remove(MicroHeaders.FromService);
                headers.Remove(MicroHeaders.XFromService);
            }

            headers.TryAddWithoutValidation(MicroHeaders.FromService, from);
        }

        AddMetadata(headers, plan.Profile?.Defaults?.Metadata);
        AddMetadata(headers, plan.Options?.Metadata);
    }

    private static void AddMetadata(HttpRequestHeaders headers, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            Set(headers, key, value);
        }
    }

    /// <summary>Sets one metadata header, replacing any value it had; throws when the key or value cannot travel as a header.</summary>
    public static void Set(HttpRequestHeaders headers, string key, string value)
    {
        if (!IsToken(key) || value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, "Metadata '{0}' cannot travel as a header: keys are letters, digits and '-', values one line.", key),
                nameof(MicroCallOptions.Metadata));
        }

        headers.Remove(key);
        headers.TryAddWithoutValidation(key, value);
    }

    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
