namespace MicroHosting.Benchmarks.Faults;

/// <summary>What is wrong with the third node of the <c>faults</c> scenario.</summary>
internal enum FaultKind
{
    /// <summary>Nothing: three healthy nodes (the reference row).</summary>
    None,

    /// <summary>A hung process: accepts connections and reads requests, never answers.</summary>
    Hung,

    /// <summary>Answers ten times slower than the healthy nodes.</summary>
    Slow,

    /// <summary>Killed (kill -9): still registered, its port refuses connections.</summary>
    Killed,

    /// <summary>Draining: answers 503 (unavailable, not processed) to every call.</summary>
    Draining,

    /// <summary>Its handler throws (500) on an idempotent endpoint: retried elsewhere.</summary>
    ThrowingIdempotent,

    /// <summary>Its handler throws (500) on a non-idempotent endpoint: never run twice, so the call fails.</summary>
    ThrowingNotIdempotent,
}
