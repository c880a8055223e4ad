using System.Text;
using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Diffusion;
using Strata.Synthesis.Runtime;
using Strata.Synthesis.Sampling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Strata.Synthesis.Training;

/// <summary>
/// Trains a DDPM: each step noises a batch to random timesteps, x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, and regresses the
/// UNet's ε̂(x_t, t) on ε with mean squared error (Ho et al.'s simple loss). An exponential moving average of the
/// weights is kept beside them; it is what sample grids, checkpoints' exports and the model store get.
/// </summary>
/// <remarks>Seeded like <see cref="GanTrainer"/>: step k's random draws come from (seed, k), so resume is exact.</remarks>
public sealed class DiffusionTrainer : IImageModelTrainer
{
    /// <summary>The EMA weights inside a stored diffusion model.</summary>
    public const string WeightsFile = "unet-ema.dat";

    private const string CheckpointMagic = "STRATA-DDPM-CHECKPOINT-1";
    private readonly TrainingBatches batches;
    private readonly Adam optimizer;
    private readonly Tensor sqrtAlphaBar;
    private readonly Tensor sqrtOneMinusAlphaBar;
    private readonly Parameter[] parameters;
    private readonly Parameter[] averaged;

    /// <summary>Builds the UNet, its EMA copy and the optimiser; <paramref name="images"/> must match the config's image shape.</summary>
    public DiffusionTrainer(SynthesisConfig config, ImageSet images)
    {
        ArgumentNullException.ThrowIfNull(config);
        TorchRuntime.EnsureAvailable();
        var d = config.Ddpm;
        batches = new TrainingBatches(config, images);
        Config = config;
        Schedule = NoiseSchedule.Create(d.Schedule, d.Timesteps);
        sqrtAlphaBar = tensor(Schedule.AlphaBars.Select(a => (float)Math.Sqrt(a)).ToArray());
        sqrtOneMinusAlphaBar = tensor(Schedule.AlphaBars.Select(a => (float)Math.Sqrt(1 - a)).ToArray());
        random.manual_seed(config.Training.Seed);
        Network = new UNet(config);
        Ema = new UNet(config);
        Ema.eval();
        parameters = [.. Network.parameters()];
        averaged = [.. Ema.parameters()];
        using (no_grad())
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                averaged[i].requires_grad = false;
                averaged[i].copy_(parameters[i]);
            }
        }

        var t = config.Training;
        optimizer = optim.Adam(Network.parameters(), t.LearningRate, t.Beta1, t.Beta2);
    }

    /// <inheritdoc/>
    public SynthesisConfig Config { get; }

    /// <summary>The forward process's schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The weights being optimised.</summary>
    public UNet Network { get; }

    /// <summary>The exponential moving average of <see cref="Network"/>'s weights, used for sampling.</summary>
    public UNet Ema { get; }

    /// <inheritdoc/>
    public long Step { get; private set; }

    /// <inheritdoc/>
    public int ImagesPerStep => batches.BatchSize;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> TrainStep()
    {
        double loss, gradNorm, decay;
        using (NewDisposeScope())
        {
            random.manual_seed(Config.Training.Seed * 1_000_003 + Step);
            Network.train();
            var x0 = batches.Get(Step);
            var n = x0.shape[0];
            var t = randint(0, Config.Ddpm.Timesteps, [n], dtype: ScalarType.Int64);
            var noise = randn_like(x0);
            var xt = sqrtAlphaBar.index_select(0, t).view(n, 1, 1, 1) * x0 + sqrtOneMinusAlphaBar.index_select(0, t).view(n, 1, 1, 1) * noise;
            optimizer.zero_grad();
            var mse = nn.functional.mse_loss(Network.forward(xt, t), noise);
            mse.backward();
            var clip = Config.Ddpm.GradientClip;
            gradNorm = clip > 0 ? nn.utils.clip_grad_norm_(parameters, clip) : Gradients.Norm(Network);
            optimizer.step();
            decay = UpdateEma();
            loss = mse.item<float>();
        }

        Step++;
        var metrics = new Dictionary<string, double> { ["loss"] = loss, ["grad_norm"] = gradNorm, ["ema_decay"] = decay };
        Checkpoint.ThrowIfDiverged(Step, metrics);
        return metrics;
    }

    // The configured decay, warmed up as (1 + k)/(10 + k) so that short runs are not dominated by the initial weights.
    private double UpdateEma()
    {
        var decay = Math.Min(Config.Ddpm.EmaDecay, (1.0 + Step) / (10.0 + Step));
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Length; i++)
        {
            averaged[i].mul_(decay).add_(parameters[i], alpha: 1 - decay);
        }

        return decay;
    }

    /// <inheritdoc/>
    public ImageSet Sample(int count, long seed) => DiffusionSampler.Sample(Ema, Schedule, Config, count, seed, null);

    /// <inheritdoc/>
    public (string FileName, Action<Stream> Write) ExportedWeights => (WeightsFile, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        Ema.save(writer);
    });

    /// <inheritdoc/>
    public void SaveCheckpoint(Stream stream)
    {
        using var writer = Checkpoint.WriteHeader(stream, CheckpointMagic, Config, Step);
        Network.save(writer);
        Ema.save(writer);
        optimizer.save_state_dict(writer);
    }

    /// <inheritdoc/>
    public void LoadCheckpoint(Stream stream)
    {
        var (reader, step) = Checkpoint.ReadHeader(stream, CheckpointMagic, Config);
        using (reader)
        {
            Step = step;
            Network.load(reader);
            Ema.load(reader);
            optimizer.load_state_dict(reader);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        optimizer.Dispose();
        Network.Dispose();
        Ema.Dispose();
        sqrtAlphaBar.Dispose();
        sqrtOneMinusAlphaBar.Dispose();
        batches.Dispose();
    }
}
