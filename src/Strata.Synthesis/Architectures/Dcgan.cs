using Strata.Synthesis.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Strata.Synthesis.Architectures;

// DCGAN (Radford et al., 2016) sized by configuration. For 28×28 Fashion-MNIST with the shipped config:
//   G: z(100) → Linear → 256×7×7 → ConvT → 128×14×14 → ConvT → 1×28×28, tanh
//   D: 1×28×28 → Conv → 64×14×14 → Conv → 128×7×7 → Linear → one logit
// WGAN-GP uses the same pair; its critic only drops batch normalisation (the penalty is per sample).

/// <summary>Maps noise vectors z to images in [-1, 1].</summary>
public sealed class DcganGenerator : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Builds the generator described by <paramref name="config"/>.</summary>
    public DcganGenerator(SynthesisConfig config) : base("generator")
    {
        ArgumentNullException.ThrowIfNull(config);
        var widths = config.Gan.GeneratorWidths;
        var start = config.Image.Size >> widths.Count;
        var stages = new List<(string, Module<Tensor, Tensor>)>
        {
            ("project", Linear(config.Gan.LatentSize, widths[0] * start * start)),
            ("unflatten", Unflatten(1, [widths[0], start, start])),
            ("norm0", Normalization.Create(config.Gan.Normalization, widths[0])),
            ("act0", ReLU(inplace: true)),
        };
        for (var i = 1; i < widths.Count; i++)
        {
            // Kernel 4, stride 2, padding 1 doubles the side exactly and avoids the checkerboard of kernel 3.
            stages.Add(($"up{i}", ConvTranspose2d(widths[i - 1], widths[i], 4, stride: 2, padding: 1, bias: false)));
            stages.Add(($"norm{i}", Normalization.Create(config.Gan.Normalization, widths[i])));
            stages.Add(($"act{i}", ReLU(inplace: true)));
        }

        stages.Add(("to_image", ConvTranspose2d(widths[^1], config.Image.Channels, 4, stride: 2, padding: 1)));
        stages.Add(("tanh", Tanh()));
        layers = Sequential(stages);
        RegisterComponents();
        Initialization.Dcgan(this);
    }

    /// <summary>Length of z.</summary>
    public int LatentSize => (int)((Linear)layers.children().First()).in_features;

    /// <inheritdoc/>
    public override Tensor forward(Tensor z) => layers.forward(z);
}

/// <summary>Scores images: a logit (DCGAN) or an unbounded critic value (WGAN-GP).</summary>
public sealed class DcganDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Builds the discriminator (critic) described by <paramref name="config"/>.</summary>
    public DcganDiscriminator(SynthesisConfig config) : base("discriminator")
    {
        ArgumentNullException.ThrowIfNull(config);
        var widths = config.Gan.DiscriminatorWidths;
        var normalization = config.Gan.CriticNormalization ?? config.Gan.Normalization;
        var stages = new List<(string, Module<Tensor, Tensor>)>();
        var channels = config.Image.Channels;
        for (var i = 0; i < widths.Count; i++)
        {
            stages.Add(($"down{i}", Conv2d(channels, widths[i], 4, stride: 2, padding: 1, bias: i == 0)));
            // The DCGAN paper leaves the first layer unnormalised: normalising raw pixels only removes information.
            if (i > 0)
            {
                stages.Add(($"norm{i}", Normalization.Create(normalization, widths[i])));
            }

            stages.Add(($"act{i}", LeakyReLU(0.2, inplace: true)));
            channels = widths[i];
        }

        var end = config.Image.Size >> widths.Count;
        stages.Add(("flatten", Flatten()));
        stages.Add(("score", Linear(channels * end * end, 1)));
        layers = Sequential(stages);
        RegisterComponents();
        Initialization.Dcgan(this);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor images) => layers.forward(images).view(-1);
}

/// <summary>The normalisation layers a configuration can name.</summary>
internal static class Normalization
{
    public static Module<Tensor, Tensor> Create(string kind, int channels) => kind switch
    {
        "batch" => BatchNorm2d(channels),
        "instance" => InstanceNorm2d(channels, affine: true),
        "none" => Identity(),
        _ => throw new ArgumentException($"Unknown normalisation '{kind}' (batch, instance, none)."),
    };
}

/// <summary>Weight initialisation from the DCGAN paper: N(0, 0.02) for convolutions, N(1, 0.02) for norm scales.</summary>
internal static class Initialization
{
    public static void Dcgan(Module module)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var isNormScale = name.Contains("norm", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal);
            if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else
            {
                parameter.normal_(isNormScale ? 1.0 : 0.0, 0.02);
            }
        }
    }
}
