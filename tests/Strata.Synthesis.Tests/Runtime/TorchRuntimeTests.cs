using Strata.Synthesis.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Strata.Synthesis.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_loads_and_reports_its_version()
    {
        var status = TorchRuntime.Probe();
        Assert.True(status.Available, status.Detail);
        Assert.Equal("0.107.0", status.Version);
        Assert.Contains("libtorch 2.10.0", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tiny_net_trains_and_its_loss_falls()
    {
        TorchRuntime.EnsureAvailable();
        random.manual_seed(1);
        var net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1));
        var optimizer = optim.Adam(net.parameters(), 0.01);
        var x = randn(64, 4);
        var y = x.sum(1, keepdim: true);
        float first = 0, last = 0;
        for (var step = 0; step < 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(net.forward(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0)
            {
                first = last;
            }
        }

        Assert.True(last < first / 10, $"loss {first} -> {last}");
    }
}
