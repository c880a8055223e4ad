using Strata.Models.Embeddings;
using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Strata.Models.Runners;

/// <summary>
/// Turns what a runner call threw back into what the in-process client would have thrown, so the server and CLI answer
/// a runner's errors exactly as before (a refused grammar is still a 400): an exception raised in the runner becomes
/// its own type again, by name; a lost channel becomes a <see cref="ModelRunnerException"/> naming the model, the
/// runner's exit and its last native message.
/// </summary>
internal static class RunnerErrors
{
    public static bool IsChannelFailure(Exception e) =>
        e is ConnectionLostException or ObjectDisposedException or IOException || e is RemoteRpcException and not RemoteInvocationException;

    public static Exception FromRemote(RemoteInvocationException e)
    {
        // The JSON formatter leaves ErrorData raw and puts the typed CommonErrorData (type name, message) in DeserializedErrorData.
        var data = e.DeserializedErrorData as CommonErrorData ?? e.ErrorData as CommonErrorData;
        var message = data?.Message ?? e.Message;
        return data?.TypeName switch
        {
            { } type when type.EndsWith(nameof(LlamaGrammarException), StringComparison.Ordinal) => new LlamaGrammarException(message),
            { } type when type.EndsWith(nameof(ContextWindowExceededException), StringComparison.Ordinal) => new ContextWindowExceededException(message),
            { } type when type.EndsWith(nameof(LlamaModelLoadException), StringComparison.Ordinal) => new LlamaModelLoadException(message),
            { } type when type.EndsWith(nameof(GgufFormatException), StringComparison.Ordinal) => new GgufFormatException(message),
            { } type when type.EndsWith(nameof(EmbeddingModelException), StringComparison.Ordinal) => new EmbeddingModelException(message),
            { } type when type.EndsWith(nameof(LlamaInferenceException), StringComparison.Ordinal) => new LlamaInferenceException(message),
            { } type when type.EndsWith(nameof(Reranking.RerankerModelException), StringComparison.Ordinal) => new Reranking.RerankerModelException(message),
            "System.NotSupportedException" => new NotSupportedException(message),
            "System.ArgumentOutOfRangeException" or "System.ArgumentException" => new ArgumentException(message),
            _ => new InvalidOperationException(message, e),
        };
    }

    /// <summary>
    /// A runtime's message as one line: llama.cpp's load errors carry its whole log (library probing, metadata) after the
    /// first line, so the first line is kept with the log's last failure line, the one that says what went wrong.
    /// </summary>
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length <= 1)
        {
            return message.Trim();
        }

        using var log = new RunnerOutputLog(null);
        foreach (var line in lines.Skip(1))
        {
            log.Append(line);
        }

        return $"{lines[0]} {log.LastNativeMessage()}";
    }

    /// <summary>A runtime's message with the Strata home written as <c>STRATA_HOME</c>: where the store lies is the server's business.</summary>
    public static string WithoutHome(string message, string? home) =>
        string.IsNullOrEmpty(home) ? message : message.Replace(home, "STRATA_HOME", StringComparison.Ordinal);

    /// <summary>The error for a request whose runner went away: waits (briefly) for the process to end so its last output is read.</summary>
    public static async Task<ModelRunnerException> RunnerLostAsync(string model, RunnerProcess process, Exception cause)
    {
        await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        return new ModelRunnerException(Describe(model, process), cause);
    }

    // The signals a runtime dies of; exit codes above 128 are 128 + the signal on Unix.
    private static string SignalName(int signal) => signal switch
    {
        6 => "SIGABRT (a native abort or assertion)",
        9 => "SIGKILL",
        11 => "SIGSEGV (a native crash)",
        _ => $"signal {signal}",
    };

    /// <summary>One sentence: which model, how its runner ended, its last native words, what happens next.</summary>
    public static string Describe(string model, RunnerProcess process)
    {
        var exit = process.ExitCode switch
        {
            null => "stopped answering",
            > 128 and < 160 and var code => $"was killed by {SignalName(code - 128)} (exit code {code})",
            var code => $"exited with code {code}",
        };
        var last = process.Log.LastNativeMessage();
        return $"The runner of model '{model}' {exit}" + (last is null ? "" : $"; its last message: {last}") +
            $". The server is still up; the next request starts a new runner (its output is in logs/runners/{RunnerLogs.FileName(model)} under STRATA_HOME).";
    }
}
