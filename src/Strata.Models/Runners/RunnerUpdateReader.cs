using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Strata.Models.Runners;

/// <summary>
/// The parent's end of a runner's update stream: one loop reads every frame, in order, and hands each to the channel of
/// the chat request it belongs to. When the stream ends (the runner exited or crashed), every open request's channel
/// fails with an <see cref="IOException"/> (a channel failure, see <see cref="RunnerErrors.IsChannelFailure"/>), and
/// <see cref="Completion"/> completes.
/// </summary>
internal sealed class RunnerUpdateReader
{
    private readonly ConcurrentDictionary<int, Channel<RunnerFrame>> open = new();
    private readonly Stream stream;
    private int lastRequest;
    private volatile Exception? ended;

    public RunnerUpdateReader(Stream stream)
    {
        this.stream = stream;
        Completion = Task.Run(ReadAsync);
    }

    /// <summary>Completes when the stream has ended; the runner can then be talked to no more.</summary>
    public Task Completion { get; }

    /// <summary>Opens a request's channel; its id goes with the request to the runner. Dispose it when the request ends.</summary>
    public RunnerUpdateSubscription Open()
    {
        var id = Interlocked.Increment(ref lastRequest);
        // Two writers: this loop, and the request's caller when its call fails without a failed frame (RunnerUpdateSubscription.Interrupt).
        var channel = Channel.CreateUnbounded<RunnerFrame>(new UnboundedChannelOptions { SingleReader = true });
        open[id] = channel;
        // The loop may have ended before this request was opened: then nothing would ever complete its channel.
        if (ended is { } reason)
        {
            channel.Writer.TryComplete(reason);
        }

        return new RunnerUpdateSubscription(id, channel, () => open.TryRemove(id, out _));
    }

    private async Task ReadAsync()
    {
        var header = new byte[RunnerUpdateFrames.HeaderSize];
        Exception reason = new IOException("The runner's update stream ended.");
        try
        {
            // A buffer of its own: most frames are a few dozen bytes, so one socket read usually brings several.
            await using var buffered = new BufferedStream(stream, 64 * 1024);
            while (true)
            {
                if (await buffered.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false).ConfigureAwait(false) < header.Length)
                {
                    break;
                }

                var (request, kind, length) = RunnerUpdateFrames.DecodeHeader(header);
                var payload = new byte[length];
                await buffered.ReadExactlyAsync(payload).ConfigureAwait(false);
                if (open.TryGetValue(request, out var channel))
                {
                    // A request whose caller stopped reading is gone from the table; its late frames are dropped.
                    channel.Writer.TryWrite(new RunnerFrame(kind, System.Text.Encoding.UTF8.GetString(payload)));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidDataException or EndOfStreamException)
        {
            reason = e as IOException ?? new IOException(e.Message, e);
        }
        finally
        {
            ended = reason;
            foreach (var channel in open.Values)
            {
                channel.Writer.TryComplete(reason);
            }
        }
    }
}

/// <summary>One chat request's frames, from <see cref="RunnerUpdateReader.Open"/>.</summary>
internal sealed class RunnerUpdateSubscription(int id, Channel<RunnerFrame> frames, Action close) : IDisposable
{
    /// <summary>The id the runner writes this request's frames under.</summary>
    public int Id => id;

    /// <summary>The request's frames in the order the runner wrote them.</summary>
    public ChannelReader<RunnerFrame> Frames => frames.Reader;

    /// <summary>
    /// Ends the request's frames with a failed one, for a call that failed before its runner could write any (say the
    /// runner could not read the request): its reader then takes the call's exception instead of waiting forever.
    /// </summary>
    public void Interrupt() => frames.Writer.TryWrite(new RunnerFrame(RunnerFrameKind.Failed, ""));

    public void Dispose() => close();
}
