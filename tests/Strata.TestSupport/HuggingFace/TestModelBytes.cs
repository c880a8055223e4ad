using System.Text;

namespace Strata.TestSupport.HuggingFace;

/// <summary>
/// Small but well-formed model files with random payloads, so the tests hold real bytes and real digests
/// and still pass when the model inspector validates formats.
/// </summary>
public static class TestModelBytes
{
    /// <summary>A GGUF v3 header with no tensors and <c>general.architecture = llama</c>, then random padding.</summary>
    public static byte[] Gguf(int paddingBytes, int seed)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("GGUF"u8);
            writer.Write(3u);
            writer.Write(0UL);
            writer.Write(1UL);
            WriteGgufString(writer, "general.architecture");
            writer.Write(8u);
            WriteGgufString(writer, "llama");
            while (stream.Length % 32 != 0)
            {
                writer.Write((byte)0);
            }

            writer.Write(Random(paddingBytes, seed));
        }

        return stream.ToArray();
    }

    /// <summary>An ONNX model computing <c>y = Identity(x)</c> on a float[4], with a random printable doc string for bulk.</summary>
    public static byte[] OnnxIdentity(int docBytes, int seed)
    {
        var rng = new Random(seed);
        var doc = new string(Enumerable.Range(0, docBytes).Select(_ => (char)rng.Next('a', 'z' + 1)).ToArray());
        var tensorType = Message(1, Varint(1, 1), Message(2, Message(1, Varint(1, 4))));
        byte[] ValueInfo(string name) => [.. Text(1, name), .. Message(2, tensorType)];
        var node = Concat(Text(1, "x"), Text(2, "y"), Text(4, "Identity"));
        var graph = Concat(Message(1, node), Text(2, "identity"), Message(11, ValueInfo("x")), Message(12, ValueInfo("y")));
        return Concat(Varint(1, 8), Text(2, "strata-tests"), Text(6, doc), Message(7, graph), Message(8, Varint(2, 17)));
    }

    /// <summary>Random bytes from a fixed seed.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void WriteGgufString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static byte[] Varint(int field, ulong value) => [.. Tag(field, 0), .. Encode(value)];

    private static byte[] Text(int field, string value) => Message(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Message(int field, params byte[][] parts)
    {
        var body = Concat(parts);
        return [.. Tag(field, 2), .. Encode((ulong)body.Length), .. body];
    }

    private static byte[] Tag(int field, int wireType) => Encode((ulong)((field << 3) | wireType));

    private static byte[] Encode(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
