using System.Buffers.Binary;
using System.Text;

namespace Strata.Models.Runners;

/// <summary>What one frame of the update stream says about its chat request.</summary>
internal enum RunnerFrameKind : byte
{
    /// <summary>One chat update, as <see cref="RunnerChatUpdates"/> wrote it.</summary>
    Update = 0,

    /// <summary>The request finished; no more frames follow for it.</summary>
    End = 1,

    /// <summary>The request failed; its exception comes back as the failure of its <see cref="IModelRunner.ChatAsync"/> call.</summary>
    Failed = 2,
}

/// <summary>One frame read from the update stream.</summary>
internal readonly record struct RunnerFrame(RunnerFrameKind Kind, string Text);

/// <summary>
/// The update stream's framing: a little-endian 32-bit request id, the kind, a little-endian 32-bit payload length,
/// then the payload as UTF-8. Written by hand because the stream carries nothing else and is read by one loop; a
/// general serializer would only add the per-message cost this stream exists to avoid (see the folder's README).
/// </summary>
internal static class RunnerUpdateFrames
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 9;

    /// <summary>The longest payload a reader accepts: a frame claiming more means the stream is corrupt.</summary>
    public const int MaxPayload = 64 * 1024 * 1024;

    /// <summary>The whole frame for <paramref name="text"/>.</summary>
    public static byte[] Encode(int request, RunnerFrameKind kind, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var frame = new byte[HeaderSize + length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, request);
        frame[4] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(5), length);
        Encoding.UTF8.GetBytes(text, frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>Reads the header at the start of <paramref name="header"/>.</summary>
    /// <exception cref="InvalidDataException">The kind or the length is impossible.</exception>
    public static (int Request, RunnerFrameKind Kind, int Length) DecodeHeader(ReadOnlySpan<byte> header)
    {
        var request = BinaryPrimitives.ReadInt32LittleEndian(header);
        var kind = (RunnerFrameKind)header[4];
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[5..]);
        if (kind > RunnerFrameKind.Failed || length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"The runner's update stream is corrupt (kind {(byte)kind}, length {length}).");
        }

        return (request, kind, length);
    }
}
