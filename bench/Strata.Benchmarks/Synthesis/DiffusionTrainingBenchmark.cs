using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Diffusion;
using Strata.Synthesis.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Strata.Benchmarks.Synthesis;

/// <summary>
/// Strata's <see cref="DiffusionTrainer"/> against a bare TorchSharp DDPM loop: the same UNet (the shipped
/// ddpm-fashion-mnist config), schedule, batch, optimiser and Fashion-MNIST images; the bare loop skips Strata's
/// per-step seeding, gradient clipping and norm, EMA update and NaN checks.
/// </summary>
internal sealed class DiffusionTrainingBenchmark : TrainerBenchmark
{
    public override string Name => "ddpm";

    public override string Description => "DDPM training images/s: Strata's trainer vs a bare TorchSharp loop";

    protected override string ConfigFile => "ddpm-fashion-mnist.json";

    protected override string Workload => "DDPM UNet 28×28 Fashion-MNIST";

    protected override int Images => 2048;

    protected override int Steps(bool quick) => quick ? 3 : 8;

    protected override IImageModelTrainer CreateTrainer(SynthesisConfig config, ImageSet images) => new DiffusionTrainer(config, images);

    protected override IBareLoop CreateBareLoop(SynthesisConfig config, ImageSet images) => new BareDdpmLoop(config, images);

    /// <summary>The textbook loop: float data prepared once, random batches and timesteps, ε-MSE, Adam. Nothing else.</summary>
    private sealed class BareDdpmLoop : IBareLoop
    {
        private readonly Tensor data;
        private readonly UNet network;
        private readonly optim.Optimizer optimizer;
        private readonly Tensor sqrtAlphaBar;
        private readonly Tensor sqrtOneMinusAlphaBar;
        private readonly int batch;
        private readonly int timesteps;

        public BareDdpmLoop(SynthesisConfig config, ImageSet images)
        {
            data = tensor(images.Pixels, [images.Count, images.Channels, images.Height, images.Width]).to_type(ScalarType.Float32) / 127.5f - 1f;
            network = new UNet(config);
            var t = config.Training;
            optimizer = optim.Adam(network.parameters(), t.LearningRate, t.Beta1, t.Beta2);
            var schedule = NoiseSchedule.Create(config.Ddpm.Schedule, config.Ddpm.Timesteps);
            sqrtAlphaBar = tensor(schedule.AlphaBars.Select(a => (float)Math.Sqrt(a)).ToArray());
            sqrtOneMinusAlphaBar = tensor(schedule.AlphaBars.Select(a => (float)Math.Sqrt(1 - a)).ToArray());
            batch = t.BatchSize;
            timesteps = config.Ddpm.Timesteps;
        }

        public void Step()
        {
            using var scope = NewDisposeScope();
            var x0 = data.index_select(0, randint(data.shape[0], [batch]));
            var t = randint(0, timesteps, [batch], dtype: ScalarType.Int64);
            var noise = randn_like(x0);
            var xt = sqrtAlphaBar.index_select(0, t).view(batch, 1, 1, 1) * x0 + sqrtOneMinusAlphaBar.index_select(0, t).view(batch, 1, 1, 1) * noise;
            optimizer.zero_grad();
            nn.functional.mse_loss(network.forward(xt, t), noise).backward();
            optimizer.step();
        }

        public void Dispose()
        {
            optimizer.Dispose();
            network.Dispose();
            sqrtAlphaBar.Dispose();
            sqrtOneMinusAlphaBar.Dispose();
            data.Dispose();
        }
    }
}
