using System.Text;

namespace Strata.Models.Tests.Formats.Gguf;

/// <summary>
/// Writes GGUF bytes field by field, with no checks, so tests can build exactly the malformed file they need.
/// </summary>
internal sealed class RawGguf
{
    private readonly MemoryStream bytes = new();
    private readonly BinaryWriter output;

    private RawGguf() => output = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true);

    public long Position => bytes.Position;

    public static RawGguf Header(ulong tensorCount, ulong keyValueCount, uint version = 3) =>
        new RawGguf().Raw("GGUF"u8.ToArray()).U32(version).U64(tensorCount).U64(keyValueCount);

    public RawGguf Raw(byte[] raw)
    {
        output.Write(raw);
        return this;
    }

    public RawGguf U32(uint value)
    {
        output.Write(value);
        return this;
    }

    public RawGguf I32(int value)
    {
        output.Write(value);
        return this;
    }

    public RawGguf U64(ulong value)
    {
        output.Write(value);
        return this;
    }

    public RawGguf Str(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        return U64((ulong)utf8.Length).Raw(utf8);
    }

    public RawGguf StringKey(string key, string value) => Str(key).U32(8).Str(value);

    public RawGguf U32Key(string key, uint value) => Str(key).U32(4).U32(value);

    public RawGguf TensorInfo(string name, ulong[] dimensions, uint type = 0, ulong offset = 0)
    {
        Str(name).U32((uint)dimensions.Length);
        foreach (var dimension in dimensions)
        {
            U64(dimension);
        }

        return U32(type).U64(offset);
    }

    public RawGguf PadTo(int alignment) => Zeros((int)((alignment - (bytes.Position % alignment)) % alignment));

    public RawGguf Zeros(int count) => Raw(new byte[count]);

    public byte[] ToArray()
    {
        output.Flush();
        return bytes.ToArray();
    }
}
