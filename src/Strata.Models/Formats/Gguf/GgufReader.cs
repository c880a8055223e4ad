using System.Buffers.Binary;
using System.Numerics;

namespace Strata.Models.Formats.Gguf;

/// <summary>
/// Reads and validates the header of a GGUF file: metadata and tensor descriptions, never tensor data.
/// The checks follow llama.cpp's own loader (gguf.cpp), so a file this reader accepts is one llama.cpp can parse,
/// and a file it rejects gets a message naming the problem and its byte offset instead of a native crash.
/// Model metadata that would make llama.cpp abort while loading is refused too (<see cref="GgufModelChecks"/>).
/// </summary>
/// <remarks>This file is long because validating hostile input is the hard part; every check is here, in file order.</remarks>
public static class GgufReader
{
    /// <summary>ggml stores names in 64 bytes including the terminating NUL.</summary>
    public const int MaxTensorNameBytes = 63;

    /// <summary>GGML_MAX_DIMS.</summary>
    public const int MaxDimensions = 4;

    private static readonly byte[] Magic = "GGUF"u8.ToArray();

    // The fewest bytes one entry can take, used to reject absurd counts before looping over them:
    // a key-value pair is a key length (8), a type (4) and at least one value byte;
    // a tensor is a name length (8), n_dims (4), one dimension (8), a type (4) and an offset (8).
    private const int MinimumKeyValueBytes = 8 + 4 + 1;
    private const int MinimumTensorInfoBytes = 8 + 4 + 8 + 4 + 8;

    /// <summary>Opens <paramref name="path"/> read-only and reads its header.</summary>
    /// <exception cref="GgufFormatException">The file is not a valid GGUF file.</exception>
    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return Read(stream);
    }

    /// <summary>Reads the header of a GGUF file from the start of a seekable <paramref name="stream"/>, validating it against the stream's length.</summary>
    /// <exception cref="GgufFormatException">The stream does not hold a valid GGUF file.</exception>
    public static GgufFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("a GGUF file is validated against its length, so the stream must be readable and seekable", nameof(stream));
        }

        stream.Position = 0;
        var cursor = new GgufCursor(stream);
        var version = ReadVersion(cursor);
        var tensorCount = ReadCount(cursor, "tensor count", MinimumTensorInfoBytes);
        var keyValueCount = ReadCount(cursor, "metadata key-value count", MinimumKeyValueBytes);
        var metadata = ReadMetadata(cursor, keyValueCount);
        var alignment = ReadAlignment(metadata);
        var tensors = ReadTensorInfos(cursor, tensorCount, alignment);

        var dataOffset = AlignUp(cursor.Position, alignment);
        if (dataOffset > cursor.Length)
        {
            throw new GgufFormatException(
                $"the data section starts at offset {dataOffset}, past the end of the file (file is {cursor.Length} bytes)");
        }

        CheckTensorsFitInData(tensors, dataOffset, alignment, cursor.Length);
        var file = new GgufFile(version, alignment, dataOffset, metadata, tensors.Select(entry => entry.Info).ToList());
        GgufModelChecks.Check(file);
        return file;
    }

    private static int ReadVersion(GgufCursor cursor)
    {
        if (cursor.Length < Magic.Length)
        {
            throw new GgufFormatException($"not a GGUF file: it is {cursor.Length} bytes long, too short for the 'GGUF' magic");
        }

        var magic = cursor.ReadBytes(Magic.Length, "the magic");
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            var shown = new string(magic.Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.').ToArray());
            throw new GgufFormatException($"not a GGUF file: the first 4 bytes are '{shown}' (expected 'GGUF')");
        }

        var version = cursor.ReadUInt32("the version");
        return version switch
        {
            2 or 3 => (int)version,
            1 => throw new GgufFormatException("GGUF version 1 at offset 4 is no longer supported (llama.cpp reads versions 2 and 3)"),
            _ when (version & 0xFFFF) == 0 => throw new GgufFormatException(
                $"unsupported GGUF version {version} at offset 4 (expected 2 or 3); the file may be big-endian"),
            _ => throw new GgufFormatException($"unsupported GGUF version {version} at offset 4 (expected 2 or 3)"),
        };
    }

    private static long ReadCount(GgufCursor cursor, string what, int minimumBytesEach)
    {
        var offset = cursor.Position;
        var count = cursor.ReadUInt64(what);
        var remaining = cursor.Length - 24;
        if (count > (ulong)(remaining / minimumBytesEach))
        {
            throw new GgufFormatException(
                $"{what} {count} at offset {offset} is implausible: each entry takes at least {minimumBytesEach} bytes, and only {remaining} bytes follow the header");
        }

        return (long)count;
    }

    private static Dictionary<string, GgufValue> ReadMetadata(GgufCursor cursor, long count)
    {
        var metadata = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        for (var i = 0L; i < count; i++)
        {
            var keyOffset = cursor.Position;
            var key = cursor.ReadString($"the key of metadata entry {i}");
            if (metadata.ContainsKey(key))
            {
                throw new GgufFormatException($"duplicate metadata key '{key}' at offset {keyOffset}");
            }

            metadata.Add(key, ReadValue(cursor, key));
        }

        return metadata;
    }

    private static GgufValue ReadValue(GgufCursor cursor, string key)
    {
        var typeOffset = cursor.Position;
        var type = ReadValueType(cursor, key, $"the value type of key '{key}'");
        if (type != GgufValueType.Array)
        {
            return ReadScalar(cursor, type, key);
        }

        var elementTypeOffset = cursor.Position;
        var elementType = ReadValueType(cursor, key, $"the element type of array '{key}'");
        if (elementType == GgufValueType.Array)
        {
            throw new GgufFormatException(
                $"metadata key '{key}' at offset {typeOffset} is an array of arrays (element type at offset {elementTypeOffset}); GGUF arrays hold only scalars and strings");
        }

        var countOffset = cursor.Position;
        var count = cursor.ReadUInt64($"the element count of array '{key}'");
        // Compare by division: count * size can overflow 64 bits for hostile counts.
        var minimumElementBytes = elementType == GgufValueType.String ? 8 : ScalarSize(elementType);
        if (count > (ulong)(cursor.Remaining / minimumElementBytes))
        {
            throw new GgufFormatException(
                $"array '{key}' declares {count} {elementType} elements at offset {countOffset}, which runs past the end of the file (file is {cursor.Length} bytes)");
        }

        // Only files over 2 GiB can pass the check above and still not fit one .NET array.
        if (count > (ulong)(Array.MaxLength / minimumElementBytes))
        {
            throw new GgufFormatException(
                $"array '{key}' declares {count} {elementType} elements at offset {countOffset}, more than one metadata array can hold");
        }

        return ReadArray(cursor, elementType, (int)count, key);
    }

    private static GgufValueType ReadValueType(GgufCursor cursor, string key, string what)
    {
        var offset = cursor.Position;
        var raw = cursor.ReadUInt32(what);
        if (raw > (uint)GgufValueType.Float64)
        {
            throw new GgufFormatException($"metadata key '{key}' has unknown value type {raw} at offset {offset}");
        }

        return (GgufValueType)raw;
    }

    private static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a fixed-size GGUF type"),
    };

    private static GgufValue ReadScalar(GgufCursor cursor, GgufValueType type, string key)
    {
        if (type == GgufValueType.String)
        {
            return GgufValue.String(cursor.ReadString($"the value of key '{key}'"));
        }

        var bytes = cursor.ReadBytes(ScalarSize(type), $"the value of key '{key}'");
        return type switch
        {
            GgufValueType.UInt8 => GgufValue.UInt8(bytes[0]),
            GgufValueType.Int8 => GgufValue.Int8((sbyte)bytes[0]),
            GgufValueType.Bool => GgufValue.Bool(bytes[0] != 0),
            GgufValueType.UInt16 => GgufValue.UInt16(BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
            GgufValueType.Int16 => GgufValue.Int16(BinaryPrimitives.ReadInt16LittleEndian(bytes)),
            GgufValueType.UInt32 => GgufValue.UInt32(BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
            GgufValueType.Int32 => GgufValue.Int32(BinaryPrimitives.ReadInt32LittleEndian(bytes)),
            GgufValueType.Float32 => GgufValue.Float32(BinaryPrimitives.ReadSingleLittleEndian(bytes)),
            GgufValueType.UInt64 => GgufValue.UInt64(BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
            GgufValueType.Int64 => GgufValue.Int64(BinaryPrimitives.ReadInt64LittleEndian(bytes)),
            _ => GgufValue.Float64(BinaryPrimitives.ReadDoubleLittleEndian(bytes)),
        };
    }

    private static GgufValue ReadArray(GgufCursor cursor, GgufValueType elementType, int count, string key)
    {
        var what = $"an element of array '{key}'";
        if (elementType == GgufValueType.String)
        {
            var strings = new string[count];
            for (var i = 0; i < count; i++)
            {
                strings[i] = cursor.ReadString(what);
            }

            return GgufValue.Array(strings);
        }

        var size = ScalarSize(elementType);
        var bytes = cursor.ReadBytes(count * size, what);
        T[] Decode<T>(Func<byte[], int, T> decode)
        {
            var values = new T[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = decode(bytes, i * size);
            }

            return values;
        }

        return elementType switch
        {
            GgufValueType.UInt8 => GgufValue.Array(bytes),
            GgufValueType.Int8 => GgufValue.Array(Decode((b, at) => (sbyte)b[at])),
            GgufValueType.Bool => GgufValue.Array(Decode((b, at) => b[at] != 0)),
            GgufValueType.UInt16 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)))),
            GgufValueType.Int16 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(at)))),
            GgufValueType.UInt32 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)))),
            GgufValueType.Int32 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(at)))),
            GgufValueType.Float32 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(at)))),
            GgufValueType.UInt64 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at)))),
            GgufValueType.Int64 => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(at)))),
            _ => GgufValue.Array(Decode((b, at) => BinaryPrimitives.ReadDoubleLittleEndian(b.AsSpan(at)))),
        };
    }

    private static long ReadAlignment(Dictionary<string, GgufValue> metadata)
    {
        if (!metadata.TryGetValue("general.alignment", out var value))
        {
            return GgufFile.DefaultAlignment;
        }

        // llama.cpp reads this key with gguf_get_val_u32, which asserts on any other type.
        if (value.Type != GgufValueType.UInt32)
        {
            throw new GgufFormatException($"general.alignment must be a UInt32, but it is {(value.IsArray ? "an array" : $"a {value.Type}")}");
        }

        var alignment = (uint)value.Value;
        if (!BitOperations.IsPow2(alignment))
        {
            throw new GgufFormatException($"general.alignment is {alignment}; it must be a non-zero power of two");
        }

        return alignment;
    }

    private static List<(GgufTensorInfo Info, long InfoOffset)> ReadTensorInfos(GgufCursor cursor, long count, long alignment)
    {
        var tensors = new List<(GgufTensorInfo, long)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0L; i < count; i++)
        {
            var infoOffset = cursor.Position;
            var name = cursor.ReadString($"the name of tensor {i}");
            var nameBytes = cursor.Position - infoOffset - 8;
            if (nameBytes > MaxTensorNameBytes)
            {
                throw new GgufFormatException(
                    $"the name of tensor {i} at offset {infoOffset} is {nameBytes} bytes long; ggml allows at most {MaxTensorNameBytes}");
            }

            if (!names.Add(name))
            {
                throw new GgufFormatException($"duplicate tensor name '{name}' at offset {infoOffset}");
            }

            var dimensions = ReadDimensions(cursor, name, out var elementCount);
            var traits = ReadTensorType(cursor, name);
            if (dimensions[0] % (ulong)traits.BlockSize != 0)
            {
                throw new GgufFormatException(
                    $"tensor '{name}' at offset {infoOffset} has {dimensions[0]} elements per row, not a multiple of the {traits.Name} block size {traits.BlockSize}");
            }

            long byteSize;
            try
            {
                byteSize = traits.ByteSizeOf(elementCount);
            }
            catch (OverflowException)
            {
                throw new GgufFormatException($"tensor '{name}' at offset {infoOffset} takes more than 2^63 bytes");
            }

            var offsetPosition = cursor.Position;
            var offset = cursor.ReadUInt64($"the data offset of tensor '{name}'");
            if (offset % (ulong)alignment != 0)
            {
                throw new GgufFormatException(
                    $"tensor '{name}' has data offset {offset} (at byte {offsetPosition}), which is not a multiple of the alignment {alignment}");
            }

            if (offset > long.MaxValue)
            {
                throw new GgufFormatException(
                    $"tensor '{name}' has data offset {offset} (at byte {offsetPosition}), past the end of the file (file is {cursor.Length} bytes)");
            }

            tensors.Add((new GgufTensorInfo(name, dimensions, traits.Type, (long)offset, byteSize), offsetPosition));
        }

        return tensors;
    }

    private static ulong[] ReadDimensions(GgufCursor cursor, string name, out long elementCount)
    {
        var countOffset = cursor.Position;
        var dimensionCount = cursor.ReadUInt32($"the dimension count of tensor '{name}'");
        if (dimensionCount is 0 or > MaxDimensions)
        {
            throw new GgufFormatException(
                $"tensor '{name}' has {dimensionCount} dimensions (at offset {countOffset}); ggml supports 1 to {MaxDimensions}");
        }

        var dimensions = new ulong[dimensionCount];
        elementCount = 1;
        for (var j = 0; j < dimensions.Length; j++)
        {
            var offset = cursor.Position;
            dimensions[j] = cursor.ReadUInt64($"dimension {j} of tensor '{name}'");
            if (dimensions[j] == 0)
            {
                throw new GgufFormatException($"tensor '{name}' dimension {j} is 0 (at offset {offset}); every dimension must be at least 1");
            }

            // ggml counts elements in an int64, so the product must stay below 2^63.
            if (dimensions[j] > long.MaxValue || elementCount > long.MaxValue / (long)dimensions[j])
            {
                throw new GgufFormatException(
                    $"tensor '{name}' dimension {j} = {dimensions[j]} (at offset {offset}) makes the element count overflow a 64-bit integer");
            }

            elementCount *= (long)dimensions[j];
        }

        return dimensions;
    }

    private static GgmlTypeTraits ReadTensorType(GgufCursor cursor, string name)
    {
        var offset = cursor.Position;
        var raw = cursor.ReadUInt32($"the type of tensor '{name}'");
        if (!GgmlTypeTraits.TryGet(raw, out var traits))
        {
            var removed = raw is 4 or 5 or (>= 31 and <= 33) or (>= 36 and <= 38) ? ", a type ggml has removed" : string.Empty;
            throw new GgufFormatException($"tensor '{name}' has unknown ggml type {raw} (at offset {offset}{removed})");
        }

        return traits;
    }

    // Like llama.cpp's loader, count each tensor with its padding to the alignment: writers pad every tensor,
    // the last included, so a file that ends inside that padding was cut short.
    private static void CheckTensorsFitInData(List<(GgufTensorInfo Info, long InfoOffset)> tensors, long dataOffset, long alignment, long fileLength)
    {
        var dataLength = fileLength - dataOffset;
        foreach (var (info, infoOffset) in tensors)
        {
            var room = dataLength - info.Offset;
            var paddedSize = info.ByteSize > room ? info.ByteSize : AlignUp(info.ByteSize, alignment);
            if (info.Offset > dataLength || paddedSize > room)
            {
                throw new GgufFormatException(
                    $"tensor '{info.Name}' (data offset {info.Offset} at byte {infoOffset}, {info.ByteSize} bytes padded to {paddedSize}) runs past the end of the file: " +
                    $"its data would end at byte {(decimal)dataOffset + info.Offset + paddedSize}, but the file is {fileLength} bytes");
            }
        }
    }

    // Callers keep position below 2^63 - alignment: sizes come from checked arithmetic and positions from file lengths.
    internal static long AlignUp(long position, long alignment) => (position + alignment - 1) / alignment * alignment;
}
