using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Models.HuggingFace;

/// <summary>
/// Pulls a model from the Hugging Face Hub into the <see cref="ModelStore"/>: the entry point behind <c>strata pull hf://…</c>.
/// </summary>
/// <remarks>
/// Every file is downloaded and verified before anything is committed, so a failed or corrupt download leaves no blob
/// and no manifest in the store, only resumable partial files.
/// </remarks>
public sealed class ModelPuller
{
    private readonly HuggingFaceHubClient client;
    private readonly ModelStore store;
    private readonly HubFileDownloader downloader;
    private readonly ILogger logger;
    private readonly ModelTrialLoader? trial;

    /// <summary>Creates the puller; with <paramref name="trial"/>, a model is trial-loaded in a runner before it is stored.</summary>
    public ModelPuller(HuggingFaceHubClient client, ModelStore store, ILogger<ModelPuller>? logger = null, ModelTrialLoader? trial = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        this.client = client;
        this.store = store;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        this.trial = trial;
        downloader = new HubFileDownloader(client, store);
    }

    /// <summary>Pulls <paramref name="request"/>'s model and returns its saved manifest.</summary>
    /// <param name="request">What to pull.</param>
    /// <param name="progress">Receives each file's progress a few times a second; may be null.</param>
    /// <param name="cancellationToken">Stops the pull; partial downloads are kept for resuming.</param>
    /// <exception cref="HubException">The pull failed; the message says why and what to do.</exception>
    public async Task<ModelManifest> PullAsync(HubPullRequest request, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var (manifest, downloaded) = await PullCoreAsync(request, progress, cancellationToken);
            logger.PullFinished(manifest.Name, manifest.Files.Count, downloaded, clock.Elapsed.TotalMilliseconds);
            return manifest;
        }
        catch (HubException e)
        {
            logger.PullFailed(request.Reference.ToString(), e.Message);
            throw;
        }
    }

    // Returns the manifest and the bytes fetched (files already stored cost nothing).
    private async Task<(ModelManifest Manifest, long Downloaded)> PullCoreAsync(HubPullRequest request, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var name = request.TargetName;
        if (ModelName.Validate(name) is { } problem)
        {
            throw new HubException($"Invalid model name '{name}': {problem}.");
        }

        if (request.Offline || client.Options.Offline)
        {
            return (store.Find(name) ?? throw new HubException(
                $"Offline mode is on (HF_HUB_OFFLINE or --offline) and no model named '{name}' is in the store; pull it once while online."), 0);
        }

        logger.PullStarted(request.Reference.ToString(), name);
        var repository = await client.GetRepositoryAsync(request.Reference, cancellationToken);
        var selection = HubFileSelector.Select(repository, request);
        var toFetch = selection.Files.Where(file => !IsStored(file.Remote)).ToList();
        DiskSpace.EnsureAvailable(store.Root, toFetch.Sum(file =>
            file.Remote.Size - downloader.BytesAlreadyDownloaded(repository.RepositoryId, repository.Commit, file.Remote)));

        var downloads = new Dictionary<SelectedFile, VerifiedDownload>();
        for (var i = 0; i < toFetch.Count; i++)
        {
            var file = toFetch[i];
            var meter = new TransferMeter(progress, file.Remote.Path, i + 1, toFetch.Count, file.Remote.Size);
            downloads[file] = await downloader.DownloadAsync(repository.RepositoryId, repository.Commit, file.Remote, meter, cancellationToken);
        }

        // The main file is inspected, then trial-loaded, before anything is committed, so a file that is not a usable
        // model stores nothing.
        var mainPath = downloads.TryGetValue(selection.Main, out var main) ? main.PartialPath : store.BlobPath(selection.Main.Remote.Sha256!);
        var metadata = ModelInspector.Inspect(selection.Format, mainPath, $"{repository.RepositoryId}/{selection.Main.Remote.Path}");
        await TrialLoadAsync(mainPath, selection.Format, name, downloads.Values, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        var files = selection.Files.Select(file => downloads.TryGetValue(file, out var download)
                ? store.CommitBlob(download.PartialPath, file.PathInModel, download.Sha256, download.Size, file.Remote.Sha256)
                : new ModelFile(file.PathInModel, file.Remote.Sha256!, file.Remote.Size))
            .ToList();
        var manifest = new ModelManifest
        {
            Name = name,
            Format = selection.Format,
            Files = files,
            Source = new ModelSource("huggingface", request.Reference.ToString(), repository.Commit),
            Created = DateTimeOffset.UtcNow,
            Metadata = metadata,
        };
        store.SaveManifest(manifest);
        return (manifest, toFetch.Sum(file => file.Remote.Size));
    }

    // A model its runtime refuses is not worth resuming: its downloads are deleted, so the pull leaves nothing behind.
    private async Task TrialLoadAsync(string mainPath, ModelFormat format, string name, IEnumerable<VerifiedDownload> downloads, CancellationToken cancellationToken)
    {
        if (trial is null)
        {
            return;
        }

        try
        {
            await trial.TrialAsync(mainPath, format, name, cancellationToken);
        }
        catch (ModelStoreException e)
        {
            foreach (var download in downloads)
            {
                File.Delete(download.PartialPath);
            }

            throw new HubException(e.Message, e);
        }
    }

    /// <summary>An LFS file whose SHA-256 is already a blob in the store (from another model) needs no download.</summary>
    private bool IsStored(HubFile file) => file.Sha256 is not null && File.Exists(store.BlobPath(file.Sha256));
}
