using System.Buffers.Binary;
using System.IO.Compression;

namespace Strata.Synthesis.Datasets;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not: unsigned-byte image tensors (3 dimensions)
/// and label vectors (1 dimension). Everything is checked before it is trusted: magic, dimensions, and that the
/// file holds exactly the bytes its header promises.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    // A header could claim billions of images; nothing we import is larger than this.
    private const long MaxPayloadBytes = 2L << 30;

    /// <summary>Reads an image file (N×H×W bytes) as one-channel images.</summary>
    /// <exception cref="InvalidDataException">The file is not an unsigned-byte 3-D IDX file, or is truncated.</exception>
    public static ImageSet ReadImages(string path)
    {
        var (dimensions, data) = Read(path);
        if (dimensions.Length != 3)
        {
            throw new InvalidDataException($"'{Path.GetFileName(path)}' holds a {dimensions.Length}-dimensional IDX tensor; images need 3 (count, rows, columns).");
        }

        return new ImageSet(data, dimensions[0], 1, dimensions[1], dimensions[2]);
    }

    /// <summary>Reads a label file (N bytes).</summary>
    /// <exception cref="InvalidDataException">The file is not an unsigned-byte 1-D IDX file, or is truncated.</exception>
    public static byte[] ReadLabels(string path)
    {
        var (dimensions, data) = Read(path);
        if (dimensions.Length != 1)
        {
            throw new InvalidDataException($"'{Path.GetFileName(path)}' holds a {dimensions.Length}-dimensional IDX tensor; labels need 1.");
        }

        return data;
    }

    private static (int[] Dimensions, byte[] Data) Read(string path)
    {
        var name = Path.GetFileName(path);
        using var file = File.OpenRead(path);
        using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        try
        {
            Span<byte> magic = stackalloc byte[4];
            ReadExactly(stream, magic, name, "header");
            if (magic[0] != 0 || magic[1] != 0)
            {
                throw new InvalidDataException($"'{name}' is not an IDX file (its first two bytes must be zero).");
            }

            if (magic[2] != UnsignedByte)
            {
                throw new InvalidDataException($"'{name}' holds IDX element type 0x{magic[2]:x2}; only unsigned bytes (0x08) are supported.");
            }

            var dimensions = new int[magic[3]];
            if (dimensions.Length is 0 or > 4)
            {
                throw new InvalidDataException($"'{name}' claims {dimensions.Length} dimensions; expected 1 to 4.");
            }

            long total = 1;
            Span<byte> word = stackalloc byte[4];
            for (var i = 0; i < dimensions.Length; i++)
            {
                ReadExactly(stream, word, name, "header");
                var size = BinaryPrimitives.ReadInt32BigEndian(word);
                if (size <= 0)
                {
                    throw new InvalidDataException($"'{name}' has dimension {i} of size {size}.");
                }

                dimensions[i] = size;
                total *= size;
                if (total > MaxPayloadBytes)
                {
                    throw new InvalidDataException($"'{name}' claims {total:N0}+ bytes of data, more than the {MaxPayloadBytes:N0} accepted.");
                }
            }

            var data = new byte[total];
            var read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < data.Length)
            {
                throw new InvalidDataException($"'{name}' is truncated: its header promises {data.Length:N0} bytes of data, the file holds {read:N0}.");
            }

            return (dimensions, data);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith($"'{name}'", StringComparison.Ordinal))
        {
            // Only the gzip decoder throws messages that do not name the file.
            throw new InvalidDataException($"'{name}' is a corrupt gzip file: {e.Message}", e);
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string part)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
        {
            throw new InvalidDataException($"'{name}' is truncated: it ends inside its {part}.");
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        var gzip = file.Read(head) == 2 && head[0] == 0x1f && head[1] == 0x8b;
        file.Position = 0;
        return gzip;
    }
}
