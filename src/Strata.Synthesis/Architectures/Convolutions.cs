using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Strata.Synthesis.Architectures;

/// <summary>
/// 2-D convolutions that are right on every CPU: see <see cref="ChannelsLastConv2d"/> for the oneDNN defect this works
/// around and the measurements.
/// </summary>
internal static class Convolutions
{
    /// <summary>
    /// oneDNN's widest channel block for float32 (AVX-512: 16 channels; AVX2: 8). Widths that are multiples of it leave
    /// no padded channels in the blocked layout, and those convolutions were right in every measurement.
    /// </summary>
    public const int ChannelBlock = 16;

    /// <summary>
    /// <c>Conv2d(from, to, kernel, stride, padding)</c>, initialised exactly as TorchSharp's (same random draws, same
    /// parameter names), computed on a channels-last input when <paramref name="from"/> or <paramref name="to"/> is
    /// not a multiple of <see cref="ChannelBlock"/>.
    /// </summary>
    public static Module<Tensor, Tensor> Conv2d(long from, long to, long kernel, long stride = 1, long padding = 0)
    {
        var conv = nn.Conv2d(from, to, kernel, stride: stride, padding: padding);
        if (from % ChannelBlock == 0 && to % ChannelBlock == 0)
        {
            return conv;
        }

        using (conv)
        {
            return new ChannelsLastConv2d(conv.weight.detach().clone(), conv.bias!.detach().clone(), stride, padding);
        }
    }
}

/// <summary>
/// A conv2d (same parameters and names as TorchSharp's <c>Conv2d</c>, so saved weights load either way) that hands
/// libtorch its input in channels-last (NHWC) memory order. The arithmetic is the same; only oneDNN's kernel layout is.
/// </summary>
/// <remarks>
/// Why (measured with libtorch 2.10.0, whose oneDNN is v3.7.1, on an AMD EPYC with AVX-512; float32 conv2d, batch 16
/// so that libtorch uses oneDNN, 28×28, 3×3, stride 1; 40 passes a shape, each compared with the float64 result, which
/// libtorch computes with its own kernel). With NCHW tensors libtorch runs oneDNN's channel-blocked (nChw16c) kernels
/// (jit:avx512_core, per ONEDNN_VERBOSE), and a channel count that is not a multiple of the block leaves padded
/// channels that evidently hold whatever the memory held:
/// <list type="bullet">
/// <item>input gradient, output channels not a multiple of 16 (8 in): 1 output channel gave NaN in 7 passes and values
/// off by up to 12 in 14 more; 3 and 8 channels the same (9 + 6, 11 + 10 of 40); one thread: 38 of 40 wrong;
/// DNNL_MAX_CPU_ISA=AVX2 (block 8): 1, 4 and 9 wrong, 8 and 16 right;</item>
/// <item>forward, input channels not a multiple of 16 and above 16 (17, 20, 24, 40; 16 out): wrong (off by about 15)
/// or NaN in 40 of 40 passes, one thread too; 8 in (oneDNN's plain-input first-layer kernel), 32 and 48 right;</item>
/// <item>right (≤ 1.3e-4 off): multiples of 16 both ways, batch 1 (libtorch's own kernel), the weight gradient, 1×1 and
/// stride-2 kernels, the DCGAN's shapes.</item>
/// </list>
/// The same kernels given an NHWC input (no padded activations) were right in every pass for all of those shapes (1, 8
/// and 24 → 8, 24 → 16, 40 → 8; one thread too). In the UNet the last conv (to the image's 1 or 3 channels) sent NaN
/// back through the whole network at step 1 in 2 to 4 of 6 tries, and in the tests' small UNet the 24 → 16 conv on the
/// way up made the loss NaN after some steps. Turning oneDNN off for the process (libtorch's setUserEnabledMkldnn)
/// fixes it too, but made a forward and backward pass of the shipped UNet about 2.7 times slower.
/// </remarks>
internal sealed class ChannelsLastConv2d : Module<Tensor, Tensor>
{
    // Named as in TorchSharp's Conv2d, in the same order, so state dictionaries and saved weights are unchanged.
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] stride;
    private readonly long[] padding;

    public ChannelsLastConv2d(Tensor weight, Tensor bias, long stride, long padding) : base("Conv2d")
    {
        this.weight = new Parameter(weight);
        this.bias = new Parameter(bias);
        this.stride = [stride, stride];
        this.padding = [padding, padding];
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // NCHW shape, NHWC strides: libtorch then picks oneDNN's NHWC kernels for this conv and both its gradients.
        // The result goes back to the usual order, so the layers after it see what they saw before.
        using var channelsLast = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        using var output = nn.functional.conv2d(channelsLast, weight, bias, stride, padding);
        return output.contiguous();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            bias.Dispose();
        }

        base.Dispose(disposing);
    }
}
