namespace Strata.Models.Formats.Gguf;

/// <summary>llama.cpp's names for the values of <c>general.file_type</c> (its llama_ftype enum).</summary>
public static class LlamaFileTypeNames
{
    // llama_ftype in llama.h; ids 4-6 and 33-35 were removed from llama.cpp and have no name.
    private static readonly Dictionary<long, string> Names = new()
    {
        [0] = "F32", [1] = "F16", [2] = "Q4_0", [3] = "Q4_1", [7] = "Q8_0", [8] = "Q5_0", [9] = "Q5_1",
        [10] = "Q2_K", [11] = "Q3_K_S", [12] = "Q3_K_M", [13] = "Q3_K_L", [14] = "Q4_K_S", [15] = "Q4_K_M",
        [16] = "Q5_K_S", [17] = "Q5_K_M", [18] = "Q6_K", [19] = "IQ2_XXS", [20] = "IQ2_XS", [21] = "Q2_K_S",
        [22] = "IQ3_XS", [23] = "IQ3_XXS", [24] = "IQ1_S", [25] = "IQ4_NL", [26] = "IQ3_S", [27] = "IQ3_M",
        [28] = "IQ2_S", [29] = "IQ2_M", [30] = "IQ4_XS", [31] = "IQ1_M", [32] = "BF16", [36] = "TQ1_0",
        [37] = "TQ2_0", [38] = "MXFP4_MOE", [39] = "NVFP4", [40] = "Q1_0", [41] = "Q2_0",
    };

    // llama.cpp sets this bit when it guessed the file type from the tensors instead of reading it.
    private const long GuessedFlag = 1024;

    /// <summary>Returns the name of a file type id, or null when llama.cpp has no such file type.</summary>
    public static string? TryGetName(long fileType) =>
        Names.TryGetValue(fileType & ~GuessedFlag, out var name) ? name : null;
}
