namespace Strata.Cli.Tests;

/// <summary>The CLI refuses what the server refuses, with the range in the message, instead of quietly changing it.</summary>
public sealed class UsageLimitsTests
{
    [Theory]
    [InlineData("ask", "60", "-k must be between 1 and 50, got 60.")]
    [InlineData("ask", "0", "-k must be between 1 and 50, got 0.")]
    [InlineData("search", "5000", "-k must be between 1 and 1000, got 5000.")]
    public async Task A_k_out_of_range_is_a_usage_error_naming_the_range(string command, string k, string message)
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync(command, "-c", "manual", "-k", k, "question");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {message}", result.Stderr.TrimEnd());
    }
}
