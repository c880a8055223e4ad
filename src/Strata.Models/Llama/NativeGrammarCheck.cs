using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// Has llama.cpp parse a grammar for a model's vocabulary and reports a refusal as a managed exception.
/// </summary>
/// <remarks>
/// LLamaSharp 0.30.0 builds the grammar sampler lazily, on the first sampled token, and hands what
/// <c>llama_sampler_init_grammar</c> returns straight to <c>llama_sampler_chain_add</c> without looking: a grammar
/// llama.cpp refuses leaves a NULL in the chain, and the next sample dereferences it and kills the process. So before
/// a request is queued its grammar is parsed here, through the same function, the same library and the same
/// vocabulary; the parse is deterministic, so a grammar that parses here parses there. The temporary sampler is freed
/// at once. <see cref="GbnfGrammar"/> runs first and explains most refusals better; this catches whatever it misses
/// (llama.cpp also refuses left recursion, which the managed check does not look for).
/// </remarks>
internal static unsafe class NativeGrammarCheck
{
    private static readonly Lazy<Exports> Functions = new(Resolve);

    /// <summary>Throws unless llama.cpp accepts <paramref name="gbnf"/> for <paramref name="model"/>'s vocabulary.</summary>
    /// <exception cref="LlamaGrammarException">llama.cpp refused the grammar.</exception>
    public static void EnsureParses(SafeLlamaModelHandle model, string gbnf, string root = "root")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(gbnf);
        var exports = Functions.Value;
        var grammar = Utf8(gbnf);
        var rootName = Utf8(root);
        var added = false;
        try
        {
            model.DangerousAddRef(ref added);
            var vocab = exports.ModelGetVocab(model.DangerousGetHandle());
            nint sampler;
            fixed (byte* grammarText = grammar)
            fixed (byte* rootText = rootName)
            {
                sampler = exports.InitGrammar(vocab, grammarText, rootText);
            }

            if (sampler == 0)
            {
                throw new LlamaGrammarException("llama.cpp refused the grammar (its parser writes the reason to standard error); nothing was decoded");
            }

            exports.SamplerFree(sampler);
        }
        finally
        {
            if (added)
            {
                model.DangerousRelease();
            }
        }
    }

    private static byte[] Utf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    // The functions come from the very library LLamaSharp loaded (it picks one of several CPU builds at run time), so
    // the vocabulary pointer and the parser belong together. LLamaSharp keeps that library's handle in a private field;
    // the test suite checks that it is still there, so a LLamaSharp upgrade that moves it fails a test, not a request.
    private static Exports Resolve()
    {
        NativeApi.llama_empty_call();
        var field = typeof(NativeApi).GetField("_loadedLlamaHandle", BindingFlags.NonPublic | BindingFlags.Static);
        var library = field?.GetValue(null) is IntPtr handle ? handle : IntPtr.Zero;
        if (library == IntPtr.Zero)
        {
            throw new InvalidOperationException(
                "The native llama library's handle could not be found in this LLamaSharp version, so grammars cannot be checked before use; refusing constrained output rather than risking a crash.");
        }

        return new Exports(
            (delegate* unmanaged[Cdecl]<nint, nint>)NativeLibrary.GetExport(library, "llama_model_get_vocab"),
            (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)NativeLibrary.GetExport(library, "llama_sampler_init_grammar"),
            (delegate* unmanaged[Cdecl]<nint, void>)NativeLibrary.GetExport(library, "llama_sampler_free"));
    }

    private sealed class Exports(
        delegate* unmanaged[Cdecl]<nint, nint> modelGetVocab,
        delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> initGrammar,
        delegate* unmanaged[Cdecl]<nint, void> samplerFree)
    {
        public nint ModelGetVocab(nint model) => modelGetVocab(model);

        public nint InitGrammar(nint vocab, byte* grammar, byte* root) => initGrammar(vocab, grammar, root);

        public void SamplerFree(nint sampler) => samplerFree(sampler);
    }
}
