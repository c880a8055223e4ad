using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

/// <summary>The one thread GGUF embeddings and rerankers make their llama.cpp calls on.</summary>
public sealed class NativeThreadTests
{
    [Fact]
    public async Task Every_call_runs_on_the_one_thread_whoever_hands_it_over()
    {
        using var native = new LlamaNativeThread("test");
        var calls = Enumerable.Range(0, 20).Select(_ => Task.Run(() => native.RunAsync(() => Environment.CurrentManagedThreadId))).ToArray();

        var threads = await Task.WhenAll(calls);

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
    }

    [Fact]
    public async Task A_call_cancelled_before_it_starts_never_runs_and_a_failing_call_throws_to_its_caller()
    {
        using var native = new LlamaNativeThread("test");
        using var gate = new ManualResetEventSlim();
        var blocker = native.RunAsync(() => gate.Wait(TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource();
        var ran = false;
        var cancelled = native.RunAsync(() => ran = true, cancel.Token);
        cancel.Cancel();
        gate.Set();

        await blocker;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(ran);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => native.RunAsync<int>(() => throw new InvalidOperationException("native said no")));
        Assert.Equal("native said no", failure.Message);
    }

    [Fact]
    public async Task Disposing_finishes_the_queued_calls_and_refuses_new_ones()
    {
        var native = new LlamaNativeThread("test");
        var slow = native.RunAsync(() =>
        {
            Thread.Sleep(100);
            return 42;
        });

        native.Dispose();

        Assert.Equal(42, await slow);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => native.RunAsync(() => 1));
        native.Dispose();
    }
}
