namespace Strata.Models.Formats.Gguf;

/// <summary>Where one tensor lives in a GGUF file and what shape it has; the data itself is never loaded.</summary>
/// <param name="Name">The tensor's name, for example <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">The element counts per dimension, fastest-varying first (ggml's ne[]).</param>
/// <param name="Type">The element type.</param>
/// <param name="Offset">The byte offset of the data, relative to the start of the data section.</param>
/// <param name="ByteSize">The number of bytes the data takes (without alignment padding).</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<ulong> Dimensions, GgmlType Type, long Offset, long ByteSize)
{
    /// <summary>The total number of elements: the product of the dimensions.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (product, dimension) => checked(product * (long)dimension));

    /// <inheritdoc />
    public bool Equals(GgufTensorInfo? other) =>
        other is not null
        && Name == other.Name
        && Dimensions.SequenceEqual(other.Dimensions)
        && Type == other.Type
        && Offset == other.Offset
        && ByteSize == other.ByteSize;

    /// <summary>A readable one-line description, for logs and test failures.</summary>
    public override string ToString() => $"{Name} [{string.Join(", ", Dimensions)}] {Type} at {Offset} ({ByteSize} bytes)";

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Type, Offset, ByteSize);
}
