namespace MicroHosting.Client.Internal;

/// <summary>
/// A typed client's service and defaults (<c>AddMicroClient&lt;T&gt;(service, configure)</c>), made once and handed to
/// both its HttpClient pipeline and its <see cref="MicroServiceClient"/>: the one route by which a typed client's
/// defaults reach its unary calls, its raw requests and its streams (<see cref="MicroCallPlan.Create"/>).
/// </summary>
internal sealed record MicroClientProfile(string? Service, MicroCallOptions? Defaults);
