namespace Strata.Models.Formats.Gguf;

/// <summary>
/// A ggml tensor element type, numbered as in ggml.h. Ids 4, 5, 31-33 and 36-38 belonged to types
/// that ggml removed; files using them are rejected.
/// </summary>
#pragma warning disable CA1707 // the names follow ggml's, which users search for (Q4_K, IQ2_XXS)
public enum GgmlType : uint
{
    /// <summary>32-bit float.</summary>
    F32 = 0,

    /// <summary>16-bit float.</summary>
    F16 = 1,

    /// <summary>4-bit quantization, 32 weights a block, one scale.</summary>
    Q4_0 = 2,

    /// <summary>4-bit quantization, 32 weights a block, scale and minimum.</summary>
    Q4_1 = 3,

    /// <summary>5-bit quantization, 32 weights a block, one scale.</summary>
    Q5_0 = 6,

    /// <summary>5-bit quantization, 32 weights a block, scale and minimum.</summary>
    Q5_1 = 7,

    /// <summary>8-bit quantization, 32 weights a block.</summary>
    Q8_0 = 8,

    /// <summary>8-bit quantization with block sums, 32 weights a block.</summary>
    Q8_1 = 9,

    /// <summary>2-bit K-quant, 256 weights a super-block.</summary>
    Q2_K = 10,

    /// <summary>3-bit K-quant, 256 weights a super-block.</summary>
    Q3_K = 11,

    /// <summary>4-bit K-quant, 256 weights a super-block.</summary>
    Q4_K = 12,

    /// <summary>5-bit K-quant, 256 weights a super-block.</summary>
    Q5_K = 13,

    /// <summary>6-bit K-quant, 256 weights a super-block.</summary>
    Q6_K = 14,

    /// <summary>8-bit K-quant, 256 weights a super-block.</summary>
    Q8_K = 15,

    /// <summary>2.06-bit importance quant.</summary>
    IQ2_XXS = 16,

    /// <summary>2.31-bit importance quant.</summary>
    IQ2_XS = 17,

    /// <summary>3.06-bit importance quant.</summary>
    IQ3_XXS = 18,

    /// <summary>1.56-bit importance quant.</summary>
    IQ1_S = 19,

    /// <summary>4-bit non-linear quant, 32 weights a block.</summary>
    IQ4_NL = 20,

    /// <summary>3.44-bit importance quant.</summary>
    IQ3_S = 21,

    /// <summary>2.5-bit importance quant.</summary>
    IQ2_S = 22,

    /// <summary>4.25-bit non-linear quant.</summary>
    IQ4_XS = 23,

    /// <summary>8-bit integer.</summary>
    I8 = 24,

    /// <summary>16-bit integer.</summary>
    I16 = 25,

    /// <summary>32-bit integer.</summary>
    I32 = 26,

    /// <summary>64-bit integer.</summary>
    I64 = 27,

    /// <summary>64-bit float.</summary>
    F64 = 28,

    /// <summary>1.75-bit importance quant.</summary>
    IQ1_M = 29,

    /// <summary>bfloat16.</summary>
    BF16 = 30,

    /// <summary>Ternary quant, 1.69 bits a weight.</summary>
    TQ1_0 = 34,

    /// <summary>Ternary quant, 2.06 bits a weight.</summary>
    TQ2_0 = 35,

    /// <summary>Microscaling FP4, 32 weights a block.</summary>
    MXFP4 = 39,

    /// <summary>NVIDIA FP4, 64 weights a block.</summary>
    NVFP4 = 40,

    /// <summary>1-bit quant, 128 weights a block.</summary>
    Q1_0 = 41,

    /// <summary>2-bit quant, 64 weights a block.</summary>
    Q2_0 = 42,
}
#pragma warning restore CA1707
