using System.Buffers.Binary;
using System.Text;

namespace Strata.Models.Formats.Gguf;

/// <summary>
/// Reads little-endian primitives and strings from a seekable stream, checking each length against the bytes
/// that remain before reading or allocating, so hostile lengths fail with a message instead of an OutOfMemoryException.
/// </summary>
internal sealed class GgufCursor(Stream stream)
{
    private readonly byte[] scratch = new byte[8];

    public long Length { get; } = stream.Length;

    public long Position { get; private set; }

    public long Remaining => Length - Position;

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Fill(4, what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Fill(8, what));

    public byte[] ReadBytes(int count, string what)
    {
        Require(count, what);
        var bytes = new byte[count];
        ReadExactly(bytes);
        return bytes;
    }

    public string ReadString(string what)
    {
        var lengthOffset = Position;
        var length = ReadUInt64($"the length of {what}");
        if (length > (ulong)Remaining)
        {
            throw new GgufFormatException(
                $"string length {length} at offset {lengthOffset} runs past the end of the file (file is {Length} bytes); it was read as the length of {what}");
        }

        // Lengths up to the remaining bytes may still exceed what one .NET array holds (files over 2 GiB).
        if (length > (ulong)Array.MaxLength)
        {
            throw new GgufFormatException($"string length {length} at offset {lengthOffset} is larger than any GGUF string can be; it was read as the length of {what}");
        }

        return Encoding.UTF8.GetString(ReadBytes((int)length, what));
    }

    private ReadOnlySpan<byte> Fill(int count, string what)
    {
        Require(count, what);
        var span = scratch.AsSpan(0, count);
        ReadExactly(span);
        return span;
    }

    private void Require(long count, string what)
    {
        if (count > Remaining)
        {
            throw new GgufFormatException(
                $"unexpected end of file at offset {Position}: {what} needs {count} bytes but the file is {Length} bytes");
        }
    }

    private void ReadExactly(Span<byte> destination)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException exception)
        {
            // The stream reported a length it could not deliver (a file truncated while being read).
            throw new GgufFormatException($"unexpected end of file at offset {Position}: the stream ended before its reported length of {Length} bytes", exception);
        }

        Position += destination.Length;
    }
}
