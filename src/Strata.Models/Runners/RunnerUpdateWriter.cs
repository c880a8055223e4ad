namespace Strata.Models.Runners;

/// <summary>
/// The runner's end of the update stream: writes each chat request's updates, in order, as frames
/// (<see cref="RunnerUpdateFrames"/>). Requests write concurrently; a lock keeps each frame whole.
/// </summary>
internal sealed class RunnerUpdateWriter(Stream stream)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Writes one frame for request <paramref name="request"/>.</summary>
    public async Task WriteAsync(int request, RunnerFrameKind kind, string text = "")
    {
        var frame = RunnerUpdateFrames.Encode(request, kind, text);
        // Not the request's cancellation: a frame half written would corrupt every later one.
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(frame).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
