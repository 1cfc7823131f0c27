namespace Streaming;

/// <summary>Asks for the numbers 1 to <see cref="To"/>.</summary>
public sealed record CountRequest(int To);

/// <summary>One number.</summary>
public sealed record Number(long Value);

/// <summary>A running total after each number received.</summary>
public sealed record Total(long Sum, int Count);
