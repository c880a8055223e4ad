using Strata.Models.Store;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Strata.Models.Formats.Gguf;

/// <summary>
/// Builds a GGUF version 3 file from metadata and tensors, laid out the way llama.cpp expects:
/// the data section and every tensor start on the alignment (<c>general.alignment</c>, default 32). Tensors are given
/// as floats and stored as F32, F16 or Q8_0 (ggml's reference 8-bit quantization), so a model of real size can be
/// written at a quarter of its F32 bytes.
/// </summary>
public sealed class GgufWriter
{
    private readonly Dictionary<string, GgufValue> metadata = new(StringComparer.Ordinal);
    private readonly List<(string Name, ulong[] Dimensions, float[] Data, GgmlType Type)> tensors = [];

    /// <summary>The metadata added so far, in the order it will be written.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata => metadata;

    /// <summary>Adds a metadata key; the value's <see cref="GgufValue.Type"/> is written exactly as given.</summary>
    /// <exception cref="ArgumentException">The key was already added, or <c>general.alignment</c> is not a u32 power of two.</exception>
    public GgufWriter Add(string key, GgufValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        CheckAlignment(key, value);
        if (!metadata.TryAdd(key, value))
        {
            throw new ArgumentException($"metadata key '{key}' was already added", nameof(key));
        }

        return this;
    }

    /// <summary>
    /// Sets a metadata key whether or not it was added before, keeping its place; for a variant of a built model (a
    /// different vocabulary, one deliberately wrong value in a test).
    /// </summary>
    /// <exception cref="ArgumentException"><c>general.alignment</c> is not a u32 power of two.</exception>
    public GgufWriter Set(string key, GgufValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!metadata.ContainsKey(key))
        {
            return Add(key, value);
        }

        CheckAlignment(key, value);
        metadata[key] = value;
        return this;
    }

    /// <summary>Removes a tensor added before; returns whether there was one of that name.</summary>
    public bool RemoveTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return tensors.RemoveAll(tensor => tensor.Name == name) > 0;
    }

    /// <summary>Adds an F32 tensor; <paramref name="dimensions"/> are fastest-varying first, as ggml's ne[].</summary>
    /// <exception cref="ArgumentException">The name is taken or too long, the shape is invalid, or the data does not match it.</exception>
    public GgufWriter AddTensor(string name, ulong[] dimensions, float[] data) => AddTensor(name, dimensions, data, GgmlType.F32);

    /// <summary>
    /// Adds a tensor stored as <paramref name="type"/> (<see cref="GgmlType.F32"/>, <see cref="GgmlType.F16"/> or
    /// <see cref="GgmlType.Q8_0"/>); <paramref name="data"/> is converted when the file is written.
    /// </summary>
    /// <exception cref="ArgumentException">As for F32; or the type is not one this writer encodes, or a row is not a whole number of its blocks.</exception>
    public GgufWriter AddTensor(string name, ulong[] dimensions, float[] data, GgmlType type)
    {
        if (type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0))
        {
            throw new ArgumentException($"this writer stores F32, F16 and Q8_0 tensors, not {type}", nameof(type));
        }

        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        if (Encoding.UTF8.GetByteCount(name) > GgufReader.MaxTensorNameBytes)
        {
            throw new ArgumentException($"tensor name '{name}' is longer than {GgufReader.MaxTensorNameBytes} bytes", nameof(name));
        }

        if (tensors.Any(tensor => tensor.Name == name))
        {
            throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        }

        if (dimensions.Length is 0 or > GgufReader.MaxDimensions || dimensions.Any(dimension => dimension == 0))
        {
            throw new ArgumentException($"tensor '{name}' needs 1 to {GgufReader.MaxDimensions} dimensions, each at least 1", nameof(dimensions));
        }

        var elementCount = dimensions.Aggregate(1UL, (product, dimension) => checked(product * dimension));
        if (elementCount != (ulong)data.Length)
        {
            throw new ArgumentException($"tensor '{name}' has shape [{string.Join(", ", dimensions)}] but {data.Length} values", nameof(data));
        }

        var blockSize = (ulong)GgmlTypeTraits.Of(type).BlockSize;
        if (dimensions[0] % blockSize != 0)
        {
            throw new ArgumentException($"tensor '{name}' has rows of {dimensions[0]} elements, not a multiple of the {type} block size {blockSize}", nameof(dimensions));
        }

        tensors.Add((name, (ulong[])dimensions.Clone(), data, type));
        return this;
    }

    /// <summary>Writes the file atomically: to a temporary file beside <paramref name="path"/>, flushed to disk, then renamed over it.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, WriteTo);
    }

    /// <summary>Writes the whole file to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("GGUF tensor data is little-endian; this writer does not byte-swap");
        }

        var alignment = metadata.TryGetValue("general.alignment", out var value) ? (uint)value.Value : GgufFile.DefaultAlignment;
        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write("GGUF"u8);
        output.Write(3u);
        output.Write((ulong)tensors.Count);
        output.Write((ulong)metadata.Count);
        foreach (var (key, entry) in metadata)
        {
            WriteString(output, key);
            WriteValue(output, entry);
        }

        var offset = 0L;
        foreach (var (name, dimensions, data, type) in tensors)
        {
            WriteString(output, name);
            output.Write((uint)dimensions.Length);
            foreach (var dimension in dimensions)
            {
                output.Write(dimension);
            }

            output.Write((uint)type);
            output.Write((ulong)offset);
            offset = GgufReader.AlignUp(offset + GgmlTypeTraits.Of(type).ByteSizeOf(data.Length), alignment);
        }

        Pad(output, alignment);
        foreach (var (_, _, data, type) in tensors)
        {
            switch (type)
            {
                case GgmlType.F16:
                    output.Write(MemoryMarshal.AsBytes(Array.ConvertAll(data, value => (Half)value).AsSpan()));
                    break;
                case GgmlType.Q8_0:
                    output.Write(QuantizeQ8(data));
                    break;
                default:
                    output.Write(MemoryMarshal.AsBytes(data.AsSpan()));
                    break;
            }

            Pad(output, alignment);
        }

        output.Flush();
    }

    // ggml's quantize_row_q8_0_ref: per block of 32, a half-precision scale (the largest magnitude / 127) and 32 signed
    // bytes, each value divided by the scale and rounded half away from zero.
    private static byte[] QuantizeQ8(float[] data)
    {
        const int Block = 32;
        var bytes = new byte[data.Length / Block * 34];
        for (var block = 0; block < data.Length / Block; block++)
        {
            var values = data.AsSpan(block * Block, Block);
            var largest = 0f;
            foreach (var value in values)
            {
                largest = Math.Max(largest, Math.Abs(value));
            }

            var scale = largest / 127f;
            var inverse = scale != 0 ? 1f / scale : 0f;
            var at = block * 34;
            BitConverter.TryWriteBytes(bytes.AsSpan(at, 2), (Half)scale);
            for (var i = 0; i < Block; i++)
            {
                bytes[at + 2 + i] = unchecked((byte)(sbyte)MathF.Round(values[i] * inverse, MidpointRounding.AwayFromZero));
            }
        }

        return bytes;
    }

    private static void CheckAlignment(string key, GgufValue value)
    {
        if (key == "general.alignment" && (value.Type != GgufValueType.UInt32 || !BitOperations.IsPow2((uint)value.Value)))
        {
            throw new ArgumentException("general.alignment must be a UInt32 power of two", nameof(value));
        }
    }

    private static void Pad(BinaryWriter output, long alignment)
    {
        var position = output.BaseStream.Position;
        output.Write(new byte[GgufReader.AlignUp(position, alignment) - position]);
    }

    private static void WriteString(BinaryWriter output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.Write((ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteValue(BinaryWriter output, GgufValue value)
    {
        output.Write((uint)value.Type);
        if (!value.IsArray)
        {
            WriteScalar(output, value.Value);
            return;
        }

        output.Write((uint)value.ElementType!.Value);
        var elements = (Array)value.Value;
        output.Write((ulong)elements.Length);
        foreach (var element in elements)
        {
            WriteScalar(output, element);
        }
    }

    // BinaryWriter writes every primitive little-endian, as GGUF requires; bool as one byte.
    private static void WriteScalar(BinaryWriter output, object value)
    {
        switch (value)
        {
            case byte v: output.Write(v); break;
            case sbyte v: output.Write(v); break;
            case ushort v: output.Write(v); break;
            case short v: output.Write(v); break;
            case uint v: output.Write(v); break;
            case int v: output.Write(v); break;
            case float v: output.Write(v); break;
            case bool v: output.Write(v); break;
            case string v: WriteString(output, v); break;
            case ulong v: output.Write(v); break;
            case long v: output.Write(v); break;
            case double v: output.Write(v); break;
            default: throw new InvalidOperationException($"a GGUF value cannot hold a {value.GetType()}");
        }
    }
}
