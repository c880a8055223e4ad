using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

public sealed class IdleUnloadTests
{
    [Fact]
    public async Task Weights_load_on_first_use_unload_when_idle_and_load_again_with_the_same_output()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        Strata.Models.TestSupport.TinyLlamaGguf.Write(path);
        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options with { IdleUnloadTime = TimeSpan.FromHours(1) });

        Assert.False(client.Host.IsLoaded);
        var first = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(12));
        Assert.True(client.Host.IsLoaded);
        await client.Host.UnloadIfIdleAsync();
        Assert.False(client.Host.IsLoaded);
        var second = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(12));

        Assert.True(client.Host.IsLoaded);
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task The_idle_timer_unloads_the_weights_after_the_last_request()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        Strata.Models.TestSupport.TinyLlamaGguf.Write(path);
        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options with { IdleUnloadTime = TimeSpan.Zero });

        await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2));

        // A generous cap only so a broken timer fails the test instead of hanging it; unloading should be immediate.
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (client.Host.IsLoaded)
        {
            await Task.Delay(10, cap.Token);
        }

        Assert.False(client.Host.IsLoaded);
    }
}
