using Strata.Core;
using Strata.Models.Store;
using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// The gate at import and pull: after the managed header checks, the model is loaded once in a throwaway runner, so a
/// file the runtime refuses or crashes on is refused with the runtime's own message before anything is stored.
/// GGUF files are loaded by llama.cpp (and tokenize a short text; a GGUF reranker scores one pair), ONNX graphs by ONNX Runtime, trained image models
/// (a folder with <c>config.json</c> and weights) by the image runner's libtorch, which samples one image; other formats pass.
/// </summary>
public sealed class ModelTrialLoader
{
    // The config file 'strata train' exports beside an image model's weights (Strata.Synthesis' TrainedModel.ConfigFile).
    private const string TrainedImageConfigFile = "config.json";

    private readonly StrataPaths? paths;

    /// <summary>Creates the loader; runner output goes to <c>logs/runners/MODEL.log</c> under <paramref name="paths"/>' home (null: kept in memory).</summary>
    public ModelTrialLoader(StrataPaths? paths) => this.paths = paths;

    /// <summary>Loads <paramref name="mainFile"/> in a runner and ends it.</summary>
    /// <exception cref="ModelStoreException">The runtime refused the model, or its runner crashed loading it.</exception>
    public async Task TrialAsync(string mainFile, ModelFormat format, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(mainFile);
        // A trained image model is a folder (its config beside its weights), loaded and sampled once by the image runner;
        // weights without that config are not something Strata runs, so they pass as before.
        var folder = Path.GetDirectoryName(Path.GetFullPath(mainFile))!;
        var role = format switch
        {
            // A reranker is loaded as one and scores a pair, so its classification head runs once before it is stored.
            ModelFormat.Gguf when IsGgufReranker(mainFile) => RunnerRole.GgufReranker,
            ModelFormat.Gguf => RunnerRole.Chat,
            ModelFormat.Onnx => RunnerRole.OnnxEmbeddings,
            ModelFormat.Torch when File.Exists(Path.Combine(folder, TrainedImageConfigFile)) => RunnerRole.Images,
            _ => (RunnerRole?)null,
        };
        if (role is null)
        {
            return;
        }

        var program = role == RunnerRole.Images ? RunnerProcess.ImageProgramFile : RunnerProcess.ProgramFile;
        await using var process = await RunnerProcess.StartAsync(RunnerLogs.PathFor(paths?.Logs, name), program, cancellationToken).ConfigureAwait(false);
        try
        {
            // A small context: the trial proves the model loads, not that a long conversation fits.
            var path = role == RunnerRole.Images ? folder : mainFile;
            await process.Runner.LoadAsync(new RunnerLoadRequest { Name = name, Path = path, Role = role.Value, ContextSize = 256, MaxParallelSequences = 1 }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RemoteInvocationException e)
        {
            throw new ModelStoreException($"'{name}' was not stored: {RunnerErrors.WithoutHome(RunnerErrors.OneLine(RunnerErrors.FromRemote(e).Message), paths?.Home)}", e);
        }
        catch (Exception e) when (RunnerErrors.IsChannelFailure(e))
        {
            var lost = await RunnerErrors.RunnerLostAsync(name, process, e).ConfigureAwait(false);
            var last = process.Log.LastNativeMessage();
            throw new ModelStoreException(
                $"'{name}' was not stored: loading it crashed the runtime (exit code {process.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"})" +
                (last is null ? "." : $": {last}"), lost);
        }
    }

    // The header was already checked by the importer; a file that cannot be read here is left to the chat trial to report.
    private static bool IsGgufReranker(string path)
    {
        try
        {
            return Formats.Gguf.GgufRankHead.IsReranker(Formats.Gguf.GgufReader.Read(path));
        }
        catch (Exception e) when (e is Formats.Gguf.GgufFormatException or IOException)
        {
            return false;
        }
    }
}
