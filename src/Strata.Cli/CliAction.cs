using System.Text.Json;
using Strata.Core.Errors;
using Strata.Server.Security;

namespace Strata.Cli;

/// <summary>
/// Runs a command body and turns expected failures into one clear line on standard error and exit code 1,
/// so users see what went wrong instead of a stack trace. <c>STRATA_DEBUG=1</c> shows the full exception.
/// </summary>
internal static class CliAction
{
    public const int Failure = 1;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            try
            {
                return await body();
            }
            finally
            {
                await CliContext.ReleaseAllAsync();
            }
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return Cancelled;
        }
        catch (Exception e) when (IsExpected(e))
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            if (Environment.GetEnvironmentVariable("STRATA_DEBUG") == "1")
            {
                await Console.Error.WriteLineAsync(e.ToString());
            }

            return Failure;
        }
    }

    public static Task<int> Run(Func<int> body) => RunAsync(() => Task.FromResult(body()));

    private static bool IsExpected(Exception e) => e is StrataException or CliUsageException or ServerConfigurationException
        or HttpRequestException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException or JsonException or ArgumentException or InvalidOperationException;
}
