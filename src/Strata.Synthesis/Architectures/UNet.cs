using Strata.Synthesis.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Strata.Synthesis.Architectures;

// The DDPM noise predictor (Ho et al., 2020; layout of Nichol & Dhariwal's improved-diffusion), sized by config.
// For 28×28 Fashion-MNIST with the shipped config (base 32, multipliers [1, 2, 2], one block a level, attention at 7×7):
//   in conv 1→32 @28 → res 32 @28 → down → res 64 @14 → down → res 64 + attn @7
//   middle: res, attn, res @7
//   up: 2 × (res + attn) @7 → up → 2 × res @14 → up → 2 × res @28 → GroupNorm, SiLU, conv 32→1 (zero-initialised)
// Every residual block adds a projection of the timestep's sinusoidal embedding to its feature map.
// Convs come from Convolutions.Conv2d: those whose input or output width is not a multiple of 16 (the first and the
// output conv always) run on channels-last input: oneDNN's blocked kernels get them wrong on some CPUs (NaN at step 1).

/// <summary>Predicts the noise ε in a noised image x_t, given t.</summary>
public sealed class UNet : Module<Tensor, Tensor, Tensor>
{
    private readonly int baseChannels;
    private readonly Sequential timeMlp;
    private readonly Module<Tensor, Tensor> input;
    private readonly ModuleList<Module<Tensor, Tensor, Tensor>> down;
    private readonly ModuleList<Module<Tensor, Tensor, Tensor>> middle;
    private readonly ModuleList<Module<Tensor, Tensor, Tensor>> up;
    private readonly Sequential output;
    private readonly bool[] upConcatenates;

    /// <summary>Builds the UNet described by <paramref name="config"/>'s diffusion section.</summary>
    public UNet(SynthesisConfig config) : base("unet")
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.Ddpm;
        baseChannels = d.BaseChannels;
        var timeChannels = 4 * baseChannels;
        timeMlp = Sequential(Linear(baseChannels, timeChannels), SiLU(), Linear(timeChannels, timeChannels));
        input = Convolutions.Conv2d(config.Image.Channels, baseChannels, 3, padding: 1);

        Module<Tensor, Tensor, Tensor> Res(int from, int to) => new ResidualBlock(from, to, timeChannels, d.NormGroups, d.Dropout);
        var downBlocks = new List<Module<Tensor, Tensor, Tensor>>();
        var skipChannels = new Stack<int>([baseChannels]);
        var channels = baseChannels;
        var side = config.Image.Size;
        for (var level = 0; level < d.ChannelMultipliers.Count; level++)
        {
            var width = baseChannels * d.ChannelMultipliers[level];
            for (var block = 0; block < d.ResidualBlocks; block++)
            {
                downBlocks.Add(WithAttention(Res(channels, width), width, side, d));
                channels = width;
                skipChannels.Push(channels);
            }

            if (level < d.ChannelMultipliers.Count - 1)
            {
                downBlocks.Add(new Resample(Convolutions.Conv2d(channels, channels, 3, stride: 2, padding: 1), upsample: false));
                skipChannels.Push(channels);
                side /= 2;
            }
        }

        middle = ModuleList(Res(channels, channels), new SelfAttention(channels, d.NormGroups), Res(channels, channels));
        var upBlocks = new List<Module<Tensor, Tensor, Tensor>>();
        var concatenates = new List<bool>();
        for (var level = d.ChannelMultipliers.Count - 1; level >= 0; level--)
        {
            var width = baseChannels * d.ChannelMultipliers[level];
            // One block more than on the way down: it takes the skip from the downsampling (or input) layer.
            for (var block = 0; block <= d.ResidualBlocks; block++)
            {
                upBlocks.Add(WithAttention(Res(channels + skipChannels.Pop(), width), width, side, d));
                concatenates.Add(true);
                channels = width;
            }

            if (level > 0)
            {
                upBlocks.Add(new Resample(Convolutions.Conv2d(channels, channels, 3, padding: 1), upsample: true));
                concatenates.Add(false);
                side *= 2;
            }
        }

        down = ModuleList([.. downBlocks]);
        up = ModuleList([.. upBlocks]);
        upConcatenates = [.. concatenates];
        var last = Convolutions.Conv2d(channels, config.Image.Channels, 3, padding: 1);
        output = Sequential(GroupNorm(d.NormGroups, channels), SiLU(), last);
        RegisterComponents();
        using var noGrad = no_grad();
        // TorchSharp 0.107's GroupNorm leaves its scale and shift uninitialised (arbitrary memory, NaN included):
        // set them to PyTorch's defaults.
        foreach (var norm in modules().OfType<GroupNorm>())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }

        // A zero output layer makes the untrained network predict ε = 0, a calm start for the MSE loss.
        foreach (var parameter in last.parameters())
        {
            parameter.zero_();
        }
    }

    private static Module<Tensor, Tensor, Tensor> WithAttention(Module<Tensor, Tensor, Tensor> block, int channels, int side, DiffusionConfig d) =>
        d.AttentionResolutions.Contains(side) ? new Chain(block, new SelfAttention(channels, d.NormGroups)) : block;

    /// <summary>ε̂(x_t, t) for images <paramref name="x"/> (N×C×H×W) at integer timesteps <paramref name="t"/> (N).</summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        var time = timeMlp.forward(SinusoidalEmbedding(t, baseChannels));
        var h = input.forward(x);
        var skips = new Stack<Tensor>([h]);
        foreach (var block in down)
        {
            h = block.forward(h, time);
            skips.Push(h);
        }

        foreach (var block in middle)
        {
            h = block.forward(h, time);
        }

        for (var i = 0; i < up.Count; i++)
        {
            h = up[i].forward(upConcatenates[i] ? cat([h, skips.Pop()], 1) : h, time);
        }

        return output.forward(h);
    }

    /// <summary>The transformer's sinusoidal position encoding of the timesteps, <paramref name="dimensions"/> wide.</summary>
    public static Tensor SinusoidalEmbedding(Tensor t, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(t);
        var half = dimensions / 2;
        var frequencies = exp(arange(half, dtype: ScalarType.Float32) * (-Math.Log(10_000) / half));
        var angles = t.to_type(ScalarType.Float32).unsqueeze(1) * frequencies.unsqueeze(0);
        var embedding = cat([angles.cos(), angles.sin()], 1);
        return dimensions % 2 == 0 ? embedding : nn.functional.pad(embedding, [0, 1]);
    }
}

/// <summary>GroupNorm, SiLU, conv; plus the time embedding; GroupNorm, SiLU, dropout, conv; plus the input (1×1 conv when widths differ).</summary>
internal sealed class ResidualBlock : Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential first;
    private readonly Sequential time;
    private readonly Sequential second;
    private readonly Module<Tensor, Tensor> skip;

    public ResidualBlock(int from, int to, int timeChannels, int groups, double dropout) : base("res")
    {
        first = Sequential(GroupNorm(groups, from), SiLU(), Convolutions.Conv2d(from, to, 3, padding: 1));
        time = Sequential(SiLU(), Linear(timeChannels, to));
        second = Sequential(GroupNorm(groups, to), SiLU(), Dropout(dropout), Convolutions.Conv2d(to, to, 3, padding: 1));
        skip = from == to ? Identity() : Convolutions.Conv2d(from, to, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor t)
    {
        var h = first.forward(x) + time.forward(t).unsqueeze(-1).unsqueeze(-1);
        return second.forward(h) + skip.forward(x);
    }
}

/// <summary>Single-head self-attention over all positions of a feature map, added to its input.</summary>
internal sealed class SelfAttention : Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm;
    private readonly Module<Tensor, Tensor> qkv;
    private readonly Module<Tensor, Tensor> projection;

    public SelfAttention(int channels, int groups) : base("attn")
    {
        norm = GroupNorm(groups, channels);
        qkv = Convolutions.Conv2d(channels, 3 * channels, 1);
        projection = Convolutions.Conv2d(channels, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor t)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var parts = qkv.forward(norm.forward(x)).reshape(n, 3, c, h * w);
        var (q, k, v) = (parts.select(1, 0), parts.select(1, 1), parts.select(1, 2));
        var weights = q.transpose(1, 2).bmm(k).div(Math.Sqrt(c)).softmax(-1); // N × HW × HW
        var attended = v.bmm(weights.transpose(1, 2)).reshape(n, c, h, w);
        return x + projection.forward(attended);
    }
}

/// <summary>A strided conv (down) or nearest-neighbour doubling then conv (up); the time embedding is not used.</summary>
internal sealed class Resample : Module<Tensor, Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv;
    private readonly bool upsample;

    public Resample(Module<Tensor, Tensor> conv, bool upsample) : base(upsample ? "up" : "down")
    {
        this.conv = conv;
        this.upsample = upsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor t) =>
        conv.forward(upsample ? nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest) : x);
}

/// <summary>Two time-conditioned layers in a row (a residual block and its attention).</summary>
internal sealed class Chain : Module<Tensor, Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor, Tensor> first;
    private readonly Module<Tensor, Tensor, Tensor> second;

    public Chain(Module<Tensor, Tensor, Tensor> first, Module<Tensor, Tensor, Tensor> second) : base("block")
    {
        this.first = first;
        this.second = second;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor t) => second.forward(first.forward(x, t), t);
}
