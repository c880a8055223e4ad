using Microsoft.Extensions.AI;

namespace Strata.Models.StructuredOutput;

/// <summary>The options of a repeated attempt: the same request, sampled differently.</summary>
internal static class RetryOptions
{
    // Greedy or seeded sampling would repeat the invalid answer exactly, so later attempts take another seed and at
    // least this temperature. The first attempt is always the caller's own options.
    private const float MinimumRetryTemperature = 0.7f;

    public static ChatOptions For(ChatOptions options, int attempt)
    {
        if (attempt == 1)
        {
            return options;
        }

        var retry = options.Clone();
        retry.Seed = unchecked((options.Seed ?? Random.Shared.NextInt64()) + (attempt * 7919L));
        retry.Temperature = Math.Max(options.Temperature ?? MinimumRetryTemperature, MinimumRetryTemperature);
        return retry;
    }
}
