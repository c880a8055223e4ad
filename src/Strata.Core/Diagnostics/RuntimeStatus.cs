namespace Strata.Core.Diagnostics;

/// <summary>Whether one inference runtime can be used on this machine, and why not when it cannot.</summary>
/// <param name="Name">The runtime (for example <c>llama.cpp</c>).</param>
/// <param name="Available">Whether its native library loaded and answered.</param>
/// <param name="Version">The runtime's version, when known.</param>
/// <param name="Detail">What was found: backend, instruction set, providers, or the reason it failed.</param>
public sealed record RuntimeStatus(string Name, bool Available, string? Version, string Detail);
