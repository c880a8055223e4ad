using Strata.Synthesis.Architectures;
using Strata.Synthesis.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Strata.Synthesis.Tests.Architectures;

public sealed class ConvolutionsTests
{
    // Shapes where oneDNN's channel-blocked kernels gave wrong or NaN results (see ChannelsLastConv2d), batch 16 so that
    // libtorch uses oneDNN: input gradients for 3×3 stride-1 convs whose output width is not a multiple of 16, outputs
    // for those whose input width is not (above 16); and shapes that were right either way.
    [Theory]
    [InlineData(24, 16, 3, 1)]
    [InlineData(40, 8, 3, 1)]
    [InlineData(8, 1, 3, 1)]
    [InlineData(8, 3, 3, 1)]
    [InlineData(8, 8, 3, 1)]
    [InlineData(24, 8, 3, 1)]
    [InlineData(8, 8, 3, 2)]
    [InlineData(8, 24, 1, 1)]
    public void Output_and_input_gradient_match_float64_on_every_pass(int from, int to, int kernel, int stride)
    {
        TorchRuntime.EnsureAvailable();
        random.manual_seed(7);
        using var conv = Convolutions.Conv2d(from, to, kernel, stride: stride, padding: kernel / 2);
        var (weight, bias) = (conv.parameters().First(), conv.parameters().Last());
        for (var pass = 0; pass < 12; pass++)
        {
            using var scope = NewDisposeScope();
            var x = randn(16, from, 28, 28).requires_grad_(true);
            var y = conv.forward(x);
            var g = randn(y.shape);
            autograd.backward([y], [g]);

            var x64 = x.detach().to_type(ScalarType.Float64).requires_grad_(true);
            var y64 = nn.functional.conv2d(x64, weight.detach().to_type(ScalarType.Float64), bias.detach().to_type(ScalarType.Float64), [stride, stride], [kernel / 2, kernel / 2]);
            autograd.backward([y64], [g.to_type(ScalarType.Float64)]);

            Assert.True(x.grad!.isfinite().all().item<bool>(), $"pass {pass}: non-finite input gradient");
            var error = (x.grad!.to_type(ScalarType.Float64) - x64.grad!).abs().max().item<double>();
            Assert.True(error < 1e-3, $"pass {pass}: input gradient off by {error}");
            Assert.True((y.detach().to_type(ScalarType.Float64) - y64.detach()).abs().max().item<double>() < 1e-3, $"pass {pass}: output");
        }
    }

    [Fact]
    public void It_is_initialised_and_named_like_TorchSharps_conv2d()
    {
        TorchRuntime.EnsureAvailable();
        random.manual_seed(3);
        using var reference = nn.Conv2d(8, 3, 3, padding: 1);
        random.manual_seed(3);
        using var conv = Convolutions.Conv2d(8, 3, 3, padding: 1);

        Assert.IsType<ChannelsLastConv2d>(conv);
        using var narrowInput = Convolutions.Conv2d(24, 16, 3, padding: 1);
        Assert.IsType<ChannelsLastConv2d>(narrowInput);
        Assert.Equal(reference.named_parameters().Select(p => p.name), conv.named_parameters().Select(p => p.name));
        Assert.All(reference.parameters().Zip(conv.parameters()), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
        using var wide = Convolutions.Conv2d(32, 16, 3, padding: 1);
        Assert.IsType<Conv2d>(wide);
    }
}
