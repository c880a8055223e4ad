namespace Strata.Benchmarks.Vectors;

/// <summary>A peer that cannot take part on this machine (its runtime is missing or its install failed); the benchmark reports why and goes on.</summary>
internal sealed class PeerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
