using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LLama;
using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// One forward pass for pooled outputs (a text's embedding, a pair's rerank score), as LLamaSharp's <c>LLamaEmbedder</c>
/// makes it, but synchronous: callers run it on a <see cref="LlamaNativeThread"/>.
/// </summary>
internal static class LlamaPooledPass
{
    /// <summary>Encodes <paramref name="batch"/> with an encoder-only model and decodes it otherwise; llama.cpp's complaint, or null when the pass went through.</summary>
    public static string? Run(LLamaContext context, LLamaBatch batch) =>
        context.NativeHandle.ModelHandle is { HasEncoder: true, HasDecoder: false }
            ? context.Encode(batch) is var encoded && encoded != EncodeResult.Ok ? encoded.ToString() : null
            : context.Decode(batch) is var decoded && decoded != DecodeResult.Ok ? decoded.ToString() : null;

    /// <summary>
    /// The pooled output of <paramref name="sequence"/>; false where llama.cpp returned none. LLamaSharp wraps llama.cpp's
    /// pointer without checking it, and a missing output must not be read through null.
    /// </summary>
    public static bool TryGetPooled(LLamaContext context, LLamaSeqId sequence, out Span<float> output)
    {
        output = context.NativeHandle.GetEmbeddingsSeq(sequence);
        return !Unsafe.IsNullRef(ref MemoryMarshal.GetReference(output));
    }
}
