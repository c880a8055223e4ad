using Strata.Data.Embedded;
using Strata.Data.Tests.Conformance;

namespace Strata.Data.Tests.Embedded;

/// <summary>The crash loop (<see cref="CrashLoop"/>) on the embedded store: the child's process dies mid-write to its own files.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Every_acknowledged_batch_survives_sigkill_and_no_batch_is_half_written()
    {
        using var directory = new TemporaryFolder();
        await CrashLoop.RunAsync(["embedded", directory.Path], new Dictionary<string, string>(), () => new EmbeddedVectorDatabase(directory.Path), iterations: 10, seed: 2024);
    }
}
