using System.Globalization;
using System.Text;

namespace Strata.Models.Formats.Gguf;

/// <summary>
/// Checks of a well-formed GGUF file's model metadata that llama.cpp (the build LLamaSharp 0.30.0 ships) does not
/// report as a load error but asserts on, aborting the whole process: a vocabulary holding one token twice, a block
/// count outside 1..512, more than 512 experts or inconsistent expert counts, an unknown rope scaling type, a
/// vocabulary-less tokenizer (each verified to abort that build). Plus,
/// for the <c>llama</c> architecture, the tensors every llama model needs, so an import fails now rather than at the
/// first chat; a BERT-family <c>token_types.weight</c> stored as anything but F32; and a model that declares rank pooling (a reranker) without a whole classification head, which aborts
/// llama.cpp at its first score (<see cref="GgufRankHead"/>). Each check is cheap (one pass over the vocabulary at most) and certain: it refuses only files llama.cpp
/// would refuse or abort on.
/// </summary>
internal static class GgufModelChecks
{
    /// <summary>llama.cpp's <c>LLAMA_MAX_LAYERS</c>; <c>load_hparams</c> asserts the block count is 1 to this.</summary>
    public const int MaxBlocks = 512;

    /// <summary>llama.cpp's <c>LLAMA_MAX_EXPERTS</c> in the build LLamaSharp 0.30.0 ships (513 experts abort it, 512 do not).</summary>
    public const int MaxExperts = 512;

    private static readonly string[] RopeScalingTypes = ["none", "linear", "yarn", "longrope"];

    /// <exception cref="GgufFormatException">The file would abort llama.cpp, or is a llama model missing a tensor it needs.</exception>
    public static void Check(GgufFile file)
    {
        var architecture = file.GetString("general.architecture");
        // Projector files (architecture "clip") are read by a different loader, without vocabulary or hyperparameters.
        if (architecture == "clip")
        {
            return;
        }

        CheckVocabulary(file);
        if (architecture is not null)
        {
            CheckHyperparameters(file, architecture);
        }

        if (architecture == "llama")
        {
            LlamaTensors(file);
        }

        // BERT-family graphs add the first token-type row to every embedding as stored; ggml's CPU add takes no F16
        // operand and aborts the process at the first batch (verified with a converted-shape reranker).
        if (file.Tensors.FirstOrDefault(t => t.Name == "token_types.weight") is { Type: not GgmlType.F32 } types)
        {
            throw new GgufFormatException($"tensor 'token_types.weight' is {types.Type}; llama.cpp adds it to the embeddings as F32 only and aborts the process on any other type");
        }

        if (GgufRankHead.DeclaresRankPooling(file) && GgufRankHead.Problem(file) is { } head)
        {
            throw new GgufFormatException($"the model declares rank pooling (a reranker) but {head}; llama.cpp aborts the process on the first pair it scores");
        }
    }

    private static void CheckVocabulary(GgufFile file)
    {
        var model = file.GetString("tokenizer.ggml.model");
        if (model is "none" or "no_vocab")
        {
            throw new GgufFormatException(
                $"tokenizer.ggml.model is '{model}': the file has no vocabulary, and llama.cpp aborts the process on the first text it tokenizes");
        }

        if (!file.Metadata.TryGetValue("tokenizer.ggml.tokens", out var value) || value.Value is not string[] tokens)
        {
            return;
        }

        // llama.cpp names an empty token "[EMPTY_<id>]" before indexing it, then asserts every text maps to one id.
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            var text = tokens[id].Length == 0 ? $"[EMPTY_{id}]" : tokens[id];
            if (!ids.TryAdd(text, id))
            {
                throw new GgufFormatException(
                    $"tokenizer.ggml.tokens holds the token '{Printable(text)}' twice, as ids {ids[text]} and {id}; llama.cpp aborts on loading such a vocabulary");
            }
        }
    }

    private static void CheckHyperparameters(GgufFile file, string architecture)
    {
        if (file.GetInteger($"{architecture}.block_count") is { } blocks && blocks is < 1 or > MaxBlocks)
        {
            throw new GgufFormatException($"{architecture}.block_count is {blocks}; llama.cpp aborts on a block count outside 1 to {MaxBlocks}");
        }

        var ropeScaling = $"{architecture}.rope.scaling.type";
        if (file.GetString(ropeScaling) is { } scaling && !RopeScalingTypes.Contains(scaling, StringComparer.Ordinal))
        {
            throw new GgufFormatException(
                $"{ropeScaling} is '{scaling}'; llama.cpp knows {string.Join(", ", RopeScalingTypes)} and aborts on anything else");
        }

        // Hunyuan's dense variants reset an expert count of 1 to 0 before llama.cpp's checks, so theirs are not ours to judge.
        if (!architecture.StartsWith("hunyuan", StringComparison.Ordinal))
        {
            CheckExperts(file, architecture);
        }
    }

    // The assertions of llama.cpp's load_hparams, in its order, each turned into a message.
    private static void CheckExperts(GgufFile file, string architecture)
    {
        var experts = file.GetInteger($"{architecture}.expert_count") ?? 0;
        var used = file.GetInteger($"{architecture}.expert_used_count") ?? 0;
        var groups = file.GetInteger($"{architecture}.expert_group_count") ?? 0;
        var groupsUsed = file.GetInteger($"{architecture}.expert_group_used_count") ?? 0;
        var problem = (experts, used, groups, groupsUsed) switch
        {
            _ when experts > MaxExperts => $"has {experts} experts, more than llama.cpp's {MaxExperts}",
            _ when used > experts => $"uses {used} experts per token but has {experts}",
            _ when experts > 0 && used == 0 => $"has {experts} experts but uses none per token",
            _ when experts > 0 && groups >= experts => $"has {groups} expert groups for {experts} experts",
            _ when experts > 0 && groups > 1 && experts % groups != 0 => $"splits {experts} experts into {groups} unequal groups",
            _ when experts > 0 && groups > 1 && (groupsUsed < 1 || groupsUsed >= groups) => $"uses {groupsUsed} of {groups} expert groups",
            _ when experts == 0 && groups != 0 => $"has {groups} expert groups but no experts",
            _ => null,
        };
        if (problem is not null)
        {
            throw new GgufFormatException($"the {architecture} model {problem} ({architecture}.expert_*); llama.cpp aborts on loading it");
        }
    }

    // The tensors llama.cpp's llama loader requires in every version we know, and the shapes fixed by the embedding
    // width and vocabulary alone. Without the hyperparameters llama.cpp names the missing key itself.
    private static void LlamaTensors(GgufFile file)
    {
        if (file.GetInteger("llama.embedding_length") is not { } width || file.GetInteger("llama.block_count") is not { } blocks)
        {
            return;
        }

        var tensors = file.Tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        long? vocabulary = file.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) && tokens.IsArray ? tokens.Count : null;
        Require(tensors, "token_embd.weight", width, vocabulary);
        Require(tensors, "output_norm.weight", width);
        if (tensors.ContainsKey("output.weight"))
        {
            Require(tensors, "output.weight", width, vocabulary);
        }

        var dense = (file.GetInteger("llama.expert_count") ?? 0) == 0;
        for (var block = 0; block < blocks; block++)
        {
            Require(tensors, $"blk.{block}.attn_norm.weight", width);
            Require(tensors, $"blk.{block}.ffn_norm.weight", width);
            Require(tensors, $"blk.{block}.attn_output.weight", null, width);
            if (!tensors.ContainsKey($"blk.{block}.attn_qkv.weight"))
            {
                Require(tensors, $"blk.{block}.attn_q.weight", width, null);
                Require(tensors, $"blk.{block}.attn_k.weight", width, null);
                Require(tensors, $"blk.{block}.attn_v.weight", width, null);
            }

            if (dense)
            {
                Require(tensors, $"blk.{block}.ffn_gate.weight", width, null);
                Require(tensors, $"blk.{block}.ffn_up.weight", width, null);
                Require(tensors, $"blk.{block}.ffn_down.weight", null, width);
            }
        }
    }

    // A tensor that must exist, with these leading dimensions (null: any size) and 1 for the rest, as llama.cpp's
    // loader compares shapes.
    private static void Require(Dictionary<string, GgufTensorInfo> tensors, string name, params long?[] shape)
    {
        if (!tensors.TryGetValue(name, out var tensor))
        {
            throw new GgufFormatException($"the llama model has no tensor '{name}', which llama.cpp requires");
        }

        var actual = tensor.Dimensions.Select(dimension => (long)dimension).ToList();
        var matches = Enumerable.Range(0, Math.Max(actual.Count, shape.Length)).All(i =>
        {
            var size = i < actual.Count ? actual[i] : 1;
            return i < shape.Length ? shape[i] is null || shape[i] == size : size == 1;
        });
        if (!matches)
        {
            var needed = string.Join(", ", shape.Select(size => size?.ToString(CultureInfo.InvariantCulture) ?? "*"));
            throw new GgufFormatException($"tensor '{name}' has shape [{string.Join(", ", actual)}], but a llama model {shape[0] ?? shape[^1]} wide needs [{needed}]");
        }
    }

    // Tokens may hold control characters or be invisible; a message shows them escaped.
    private static string Printable(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 60 ? text[..60] : text)
        {
            shown.Append(char.IsControl(c) || char.IsWhiteSpace(c) && c != ' ' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return text.Length > 60 ? shown.Append("...").ToString() : shown.ToString();
    }
}
