namespace MicroHosting.Generators;

/// <summary>A handler class mapped with <c>MapMicroHandlers&lt;THandler&gt;()</c>, with the calls to compile for it.</summary>
internal sealed record HandlerModel(string HandlerType, EquatableArray<string> Contracts, EquatableArray<HandlerBinding> Bindings);
