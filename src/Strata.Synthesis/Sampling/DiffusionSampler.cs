using Strata.Synthesis.Architectures;
using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using Strata.Synthesis.Diffusion;
using Strata.Synthesis.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Strata.Synthesis.Sampling;

/// <summary>
/// Makes images with a DDPM's (EMA) UNet: DDPM ancestral sampling over all T steps (Ho et al., 2020) or DDIM over K
/// evenly spaced steps with η (Song et al., 2021). Both predict x̂_0 from ε̂ and clip it to [-1, 1] at every step.
/// </summary>
public sealed class DiffusionSampler : IImageSampler
{
    /// <summary>Images denoised at once; bounds memory for large requests.</summary>
    public const int Chunk = 256;

    private readonly UNet network;
    private readonly NoiseSchedule schedule;

    private DiffusionSampler(UNet network, SynthesisConfig config)
    {
        this.network = network;
        Config = config;
        schedule = NoiseSchedule.Create(config.Ddpm.Schedule, config.Ddpm.Timesteps);
    }

    /// <inheritdoc/>
    public SynthesisConfig Config { get; }

    /// <summary>Loads a UNet for <paramref name="config"/> from weights file <paramref name="weightsPath"/>.</summary>
    public static DiffusionSampler Load(SynthesisConfig config, string weightsPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        TorchRuntime.EnsureAvailable();
        var network = new UNet(config);
        using var reader = new BinaryReader(File.OpenRead(weightsPath));
        network.load(reader);
        network.eval();
        return new DiffusionSampler(network, config);
    }

    /// <summary>The loaded network (the EMA weights of the run that trained it).</summary>
    internal UNet Network => network;

    /// <inheritdoc/>
    public ImageSet Sample(int count, long seed, SamplingOptions? options = null) => Sample(network, schedule, Config, count, seed, options);

    /// <summary>Makes <paramref name="count"/> images with <paramref name="network"/>; a private generator seeded with <paramref name="seed"/> draws all noise.</summary>
    public static ImageSet Sample(UNet network, NoiseSchedule schedule, SynthesisConfig config, int count, long seed, SamplingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var d = config.Ddpm;
        var sampler = options?.Sampler ?? (options?.Steps is not null ? "ddim" : d.Sampler);
        var steps = options?.Steps ?? d.SamplingSteps;
        var eta = options?.Eta ?? d.Eta;
        if (sampler is not ("ddim" or "ddpm"))
        {
            throw new ArgumentException($"Unknown sampler '{sampler}' (ddim, ddpm).");
        }

        if (sampler == "ddim" && (steps < 1 || steps > d.Timesteps))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"DDIM steps must be 1..{d.Timesteps} (the model's T).");
        }

        if (eta is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "η must be in [0, 1].");
        }

        var wasTraining = network.training;
        network.eval();
        try
        {
            var size = config.Image.Size;
            var pixels = new byte[(long)count * config.Image.Channels * size * size];
            using var rng = new torch.Generator((ulong)seed);
            var written = 0;
            for (var start = 0; start < count; start += Chunk)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var n = Math.Min(Chunk, count - start);
                var x = randn([n, config.Image.Channels, size, size], generator: rng);
                x = sampler == "ddpm" ? Ancestral(network, schedule, x, rng) : Ddim(network, schedule, x, steps, eta, rng);
                var bytes = ((x.clamp(-1, 1) + 1) * 127.5).round().clamp(0, 255).to_type(ScalarType.Byte).data<byte>().ToArray();
                bytes.CopyTo(pixels, written);
                written += bytes.Length;
            }

            return new ImageSet(pixels, count, config.Image.Channels, size, size);
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>The K timesteps DDIM visits, ascending: evenly spaced over 0..T−1, always including T−1.</summary>
    public static int[] DdimTimesteps(int timesteps, int steps) =>
        [.. Enumerable.Range(0, steps).Select(i => steps == 1 ? timesteps - 1 : (int)Math.Round((double)i * (timesteps - 1) / (steps - 1))).Distinct()];

    private static Tensor PredictX0(UNet network, Tensor x, int t, double alphaBar, out Tensor epsilon)
    {
        var n = x.shape[0];
        epsilon = network.forward(x, full([n], t, dtype: ScalarType.Int64));
        return ((x - Math.Sqrt(1 - alphaBar) * epsilon) / Math.Sqrt(alphaBar)).clamp(-1, 1);
    }

    // x_{t−1} ~ N(μ̃_t(x_t, x̂_0), β̃_t) with the posterior's mean and variance (no noise at the last step).
    private static Tensor Ancestral(UNet network, NoiseSchedule schedule, Tensor x, torch.Generator rng)
    {
        for (var t = schedule.Timesteps - 1; t >= 0; t--)
        {
            // Each step's intermediates are freed when the step ends; only the new x outlives it. Without this the
            // chunk's scope holds every step's activations (500 samples at 50 steps reached 23 GB).
            using var step = NewDisposeScope();
            var alphaBar = schedule.AlphaBars[t];
            var previous = t > 0 ? schedule.AlphaBars[t - 1] : 1.0;
            var beta = schedule.Betas[t];
            var x0 = PredictX0(network, x, t, alphaBar, out _);
            var mean = beta * Math.Sqrt(previous) / (1 - alphaBar) * x0 + (1 - previous) * Math.Sqrt(1 - beta) / (1 - alphaBar) * x;
            x = (t > 0 ? mean + Math.Sqrt(beta * (1 - previous) / (1 - alphaBar)) * randn(x.shape, generator: rng) : mean).MoveToOuterDisposeScope();
        }

        return x;
    }

    // x_{τ−1} = √ᾱ_prev·x̂_0 + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z, σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_τ))·√(1 − ᾱ_τ/ᾱ_prev).
    private static Tensor Ddim(UNet network, NoiseSchedule schedule, Tensor x, int steps, double eta, torch.Generator rng)
    {
        var visited = DdimTimesteps(schedule.Timesteps, steps);
        for (var i = visited.Length - 1; i >= 0; i--)
        {
            using var step = NewDisposeScope(); // as in Ancestral: only the new x outlives the step
            var alphaBar = schedule.AlphaBars[visited[i]];
            var previous = i > 0 ? schedule.AlphaBars[visited[i - 1]] : 1.0;
            var x0 = PredictX0(network, x, visited[i], alphaBar, out _);
            // ε re-derived from the clipped x̂_0, so the step stays on the line between them (as improved-diffusion does).
            var epsilon = (x - Math.Sqrt(alphaBar) * x0) / Math.Sqrt(1 - alphaBar);
            var sigma = eta * Math.Sqrt((1 - previous) / (1 - alphaBar)) * Math.Sqrt(1 - alphaBar / previous);
            var next = Math.Sqrt(previous) * x0 + Math.Sqrt(Math.Max(1 - previous - sigma * sigma, 0)) * epsilon;
            if (sigma > 0)
            {
                next += sigma * randn(x.shape, generator: rng);
            }

            x = next.MoveToOuterDisposeScope();
        }

        return x;
    }

    /// <inheritdoc/>
    public void Dispose() => network.Dispose();
}
