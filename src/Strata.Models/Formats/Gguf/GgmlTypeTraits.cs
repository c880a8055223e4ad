namespace Strata.Models.Formats.Gguf;

/// <summary>How many elements a ggml type packs into a block and how many bytes that block takes.</summary>
/// <param name="Type">The type.</param>
/// <param name="Name">ggml's name for it, as llama.cpp prints it.</param>
/// <param name="BlockSize">Elements per block; a tensor row must hold a whole number of blocks.</param>
/// <param name="TypeSize">Bytes per block.</param>
public sealed record GgmlTypeTraits(GgmlType Type, string Name, int BlockSize, int TypeSize)
{
    // Values from ggml's type_traits table (ggml.c) in the llama.cpp build LLamaSharp 0.30.0 ships.
    private static readonly Dictionary<GgmlType, GgmlTypeTraits> All = new GgmlTypeTraits[]
    {
        new(GgmlType.F32, "F32", 1, 4),
        new(GgmlType.F16, "F16", 1, 2),
        new(GgmlType.Q4_0, "Q4_0", 32, 18),
        new(GgmlType.Q4_1, "Q4_1", 32, 20),
        new(GgmlType.Q5_0, "Q5_0", 32, 22),
        new(GgmlType.Q5_1, "Q5_1", 32, 24),
        new(GgmlType.Q8_0, "Q8_0", 32, 34),
        new(GgmlType.Q8_1, "Q8_1", 32, 36),
        new(GgmlType.Q2_K, "Q2_K", 256, 84),
        new(GgmlType.Q3_K, "Q3_K", 256, 110),
        new(GgmlType.Q4_K, "Q4_K", 256, 144),
        new(GgmlType.Q5_K, "Q5_K", 256, 176),
        new(GgmlType.Q6_K, "Q6_K", 256, 210),
        new(GgmlType.Q8_K, "Q8_K", 256, 292),
        new(GgmlType.IQ2_XXS, "IQ2_XXS", 256, 66),
        new(GgmlType.IQ2_XS, "IQ2_XS", 256, 74),
        new(GgmlType.IQ3_XXS, "IQ3_XXS", 256, 98),
        new(GgmlType.IQ1_S, "IQ1_S", 256, 50),
        new(GgmlType.IQ4_NL, "IQ4_NL", 32, 18),
        new(GgmlType.IQ3_S, "IQ3_S", 256, 110),
        new(GgmlType.IQ2_S, "IQ2_S", 256, 82),
        new(GgmlType.IQ4_XS, "IQ4_XS", 256, 136),
        new(GgmlType.I8, "I8", 1, 1),
        new(GgmlType.I16, "I16", 1, 2),
        new(GgmlType.I32, "I32", 1, 4),
        new(GgmlType.I64, "I64", 1, 8),
        new(GgmlType.F64, "F64", 1, 8),
        new(GgmlType.IQ1_M, "IQ1_M", 256, 56),
        new(GgmlType.BF16, "BF16", 1, 2),
        new(GgmlType.TQ1_0, "TQ1_0", 256, 54),
        new(GgmlType.TQ2_0, "TQ2_0", 256, 66),
        new(GgmlType.MXFP4, "MXFP4", 32, 17),
        new(GgmlType.NVFP4, "NVFP4", 64, 36),
        new(GgmlType.Q1_0, "Q1_0", 128, 18),
        new(GgmlType.Q2_0, "Q2_0", 64, 18),
    }.ToDictionary(traits => traits.Type);

    /// <summary>Returns the traits of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a type ggml knows (a removed id, or one past the end).</exception>
    public static GgmlTypeTraits Of(GgmlType type) =>
        All.TryGetValue(type, out var traits)
            ? traits
            : throw new ArgumentOutOfRangeException(nameof(type), type, "not a ggml type this reader knows");

    /// <summary>Looks up the traits of a raw type id from a file; false for removed and unknown ids.</summary>
    public static bool TryGet(uint id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GgmlTypeTraits? traits) =>
        All.TryGetValue((GgmlType)id, out traits);

    /// <summary>Bytes taken by <paramref name="elementCount"/> elements; the count must be a whole number of blocks.</summary>
    /// <exception cref="OverflowException">The size does not fit in 64 bits.</exception>
    public long ByteSizeOf(long elementCount) => checked(elementCount / BlockSize * TypeSize);
}
