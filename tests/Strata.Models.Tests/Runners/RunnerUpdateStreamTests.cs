using System.IO.Pipelines;
using System.Threading.Channels;
using Strata.Models.Runners;

namespace Strata.Models.Tests.Runners;

/// <summary>
/// The chat update stream between a runner and its parent, over a real in-memory pipe: frames of interleaved requests
/// reach each request in order, an unknown request's frames are dropped, a stream that ends fails every open request,
/// and a request whose call failed before any frame is not left waiting.
/// </summary>
public sealed class RunnerUpdateStreamTests
{
    [Fact]
    public async Task Interleaved_requests_each_get_their_own_frames_in_order()
    {
        var pipe = new Pipe();
        var reader = new RunnerUpdateReader(pipe.Reader.AsStream());
        var writer = new RunnerUpdateWriter(pipe.Writer.AsStream());
        using var first = reader.Open();
        using var second = reader.Open();

        await writer.WriteAsync(first.Id, RunnerFrameKind.Update, "héllo");
        await writer.WriteAsync(999, RunnerFrameKind.Update, "nobody asked");
        await writer.WriteAsync(second.Id, RunnerFrameKind.Update, "a");
        await writer.WriteAsync(first.Id, RunnerFrameKind.Update, " wörld 🌍");
        await writer.WriteAsync(second.Id, RunnerFrameKind.Failed);
        await writer.WriteAsync(first.Id, RunnerFrameKind.End);

        Assert.Equal([new(RunnerFrameKind.Update, "héllo"), new(RunnerFrameKind.Update, " wörld 🌍"), new(RunnerFrameKind.End, "")], await ReadAsync(first, 3));
        Assert.Equal([new(RunnerFrameKind.Update, "a"), new(RunnerFrameKind.Failed, "")], await ReadAsync(second, 2));
    }

    [Fact]
    public async Task A_stream_that_ends_fails_every_open_request_and_every_later_one()
    {
        var pipe = new Pipe();
        var reader = new RunnerUpdateReader(pipe.Reader.AsStream());
        using var open = reader.Open();
        await new RunnerUpdateWriter(pipe.Writer.AsStream()).WriteAsync(open.Id, RunnerFrameKind.Update, "partial");
        await pipe.Writer.CompleteAsync();

        await reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new RunnerFrame(RunnerFrameKind.Update, "partial"), await open.Frames.ReadAsync());
        var ended = await Assert.ThrowsAsync<ChannelClosedException>(async () => await open.Frames.ReadAsync());
        Assert.IsType<IOException>(ended.InnerException);
        using var late = reader.Open();
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await late.Frames.ReadAsync());
    }

    [Fact]
    public async Task A_corrupt_frame_ends_the_stream_with_a_reason()
    {
        var pipe = new Pipe();
        var reader = new RunnerUpdateReader(pipe.Reader.AsStream());
        using var open = reader.Open();
        await pipe.Writer.WriteAsync(new byte[] { 1, 0, 0, 0, 7, 0, 0, 0, 0 });

        await reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        var ended = await Assert.ThrowsAsync<ChannelClosedException>(async () => await open.Frames.ReadAsync());
        Assert.Contains("corrupt", ended.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_request_reads_a_failed_frame_instead_of_waiting()
    {
        var reader = new RunnerUpdateReader(new Pipe().Reader.AsStream());
        using var request = reader.Open();

        request.Interrupt();

        Assert.Equal(RunnerFrameKind.Failed, (await request.Frames.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Kind);
    }

    private static async Task<List<RunnerFrame>> ReadAsync(RunnerUpdateSubscription subscription, int count)
    {
        var frames = new List<RunnerFrame>();
        while (frames.Count < count)
        {
            frames.Add(await subscription.Frames.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        return frames;
    }
}
