using Strata.Models.Runners;
using Strata.Synthesis.Sampling;

namespace Strata.ImageRunner;

/// <summary>
/// The runner of trained image models: the same runner as Strata.Runner, plus the image side, which brings libtorch.
/// </summary>
/// <remarks>
/// A named class, not top-level statements: those compile to a global <c>Program</c> type, and the server, which
/// references both runners, builds its OpenAPI document from its references' documentation keyed by type name, where
/// two global <c>Program</c> types collide (the document answered 500).
/// </remarks>
internal static class Program
{
    private static Task<int> Main(string[] args) => ModelRunnerHost.RunAsync(args, () => new TrainedImageRunner());
}
