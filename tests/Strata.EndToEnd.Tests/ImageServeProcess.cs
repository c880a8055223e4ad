using Strata.Core;
using Strata.Synthesis.TestSupport;

namespace Strata.EndToEnd.Tests;

/// <summary>A <c>strata serve</c> whose store also holds <c>tiny-gan</c>: a DCGAN trained for two steps on 64 Fashion-MNIST images.</summary>
public sealed class ImageServeProcess : StrataServeProcess
{
    public const string Model = "tiny-gan";

    protected override Task PrepareHomeAsync(StrataPaths paths) => TinyGan.TrainAsync(paths, Model);
}

/// <summary>A <c>strata serve</c> that requires an API key.</summary>
public sealed class KeyedServeProcess : StrataServeProcess
{
    public const string Key = "sk-e2e-browser-key-42";

    protected override IEnumerable<string> ExtraArguments => ["--api-key", Key];
}
