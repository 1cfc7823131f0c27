namespace MicroHosting.Benchmarks.PubSub;

/// <summary>Medians of one pub/sub target across repetitions, with ratios to raw NATS.Net measured in the same repetition.</summary>
/// <param name="Target">The row label.</param>
/// <param name="Publishers">Concurrent publishers of the saturated phase.</param>
/// <param name="Result">Median figures; lost messages summed.</param>
/// <param name="PublishedVsRaw">Median ratio of published messages per second to raw NATS.Net's; <see langword="null"/> for the baseline or without NATS.</param>
/// <param name="DeliveredVsRaw">The same for delivered messages per second.</param>
/// <param name="PublishedVsRawHeaders">Median ratio of published messages per second to raw NATS.Net sending the same header; <see langword="null"/> for the raw rows or without NATS.</param>
/// <param name="CpuVsRawHeaders">Median ratio of CPU time per message to raw NATS.Net sending the same header (lower is better); <see langword="null"/> as above.</param>
internal sealed record PubSubRow(string Target, int Publishers, PubSubResult Result, double? PublishedVsRaw, double? DeliveredVsRaw, double? PublishedVsRawHeaders, double? CpuVsRawHeaders);
