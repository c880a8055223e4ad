namespace Strata.Benchmarks.Serving;

/// <summary>Collects request outcomes from many concurrent clients; thread-safe.</summary>
internal sealed class LatencyRecorder
{
    private readonly Lock gate = new();
    private readonly List<double> latencies = [];
    private readonly List<double> firstTokens = [];

    public int Succeeded { get; private set; }

    public int Refused { get; private set; }

    public int Failed { get; private set; }

    public long OutputTokens { get; private set; }

    public void Success(TimeSpan latency, TimeSpan? firstToken, long outputTokens)
    {
        lock (gate)
        {
            Succeeded++;
            latencies.Add(latency.TotalMilliseconds);
            if (firstToken is { } first)
            {
                firstTokens.Add(first.TotalMilliseconds);
            }

            OutputTokens += outputTokens;
        }
    }

    public void Refusal()
    {
        lock (gate)
        {
            Refused++;
        }
    }

    public void Failure()
    {
        lock (gate)
        {
            Failed++;
        }
    }

    public double LatencyPercentile(double p) => Percentile(latencies, p);

    public double FirstTokenPercentile(double p) => Percentile(firstTokens, p);

    private double Percentile(List<double> values, double p)
    {
        lock (gate)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = values.Order().ToArray();
            return sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
