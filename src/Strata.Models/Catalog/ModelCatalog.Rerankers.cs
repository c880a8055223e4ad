using Strata.Models.Runners;
using Strata.Models.Store;

namespace Strata.Models.Catalog;

public sealed partial class ModelCatalog
{
    /// <summary>
    /// A reranker for the stored model <paramref name="manifest"/> (an ONNX cross-encoder or a GGUF reranker) whose model
    /// runs in a runner, supervised as the catalog's other runners are: restarted after a crash, ended when idle, marked
    /// failing (in <see cref="RunnerHealth"/>) after repeated crashes. The caller owns it.
    /// </summary>
    internal Task<RunnerReranker> CreateRerankerRunnerAsync(ModelManifest manifest, CancellationToken cancellationToken = default) =>
        RunnerReranker.StartAsync(
            Supervise(manifest, manifest.Format == ModelFormat.Gguf ? RunnerRole.GgufReranker : RunnerRole.OnnxReranker), store.Paths.Home, cancellationToken);
}
