using Strata.Core;
using Strata.Models.TestSupport;
using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.Store;
using Strata.Models.Tests.Llama;

namespace Strata.Models.Tests.Formats.Gguf;

/// <summary>
/// Well-formed GGUF files whose model metadata makes llama.cpp abort the process while loading (each case was
/// checked against the llama.cpp build LLamaSharp 0.30.0 ships: GGML_ASSERT, exit code 134), or a llama model without
/// a tensor it needs. Each is refused when read, with a message naming the problem, so it can be neither imported nor loaded.
/// </summary>
public sealed class GgufModelCheckTests
{
    private const int FirstByteToken = 5;
    private const int SomePiece = 300;

    private static readonly Dictionary<string, (Action<GgufWriter> Spoil, string Fragment)> Refused = new()
    {
        ["duplicate token"] = (file => SetToken(file, SomePiece, "<0x00>"), "holds the token '<0x00>' twice, as ids 5 and 300"),
        // llama.cpp renames an empty token to "[EMPTY_<id>]", which can then collide with a real token of that text.
        ["empty token named like another"] = (file => SetTokens(file, (SomePiece, ""), (SomePiece + 1, $"[EMPTY_{SomePiece}]")), "holds the token '[EMPTY_300]' twice, as ids 300 and 301"),
        ["no vocabulary"] = (file => file.Set("tokenizer.ggml.model", GgufValue.String("none")), "tokenizer.ggml.model is 'none': the file has no vocabulary"),
        ["zero blocks"] = (file => file.Set("llama.block_count", GgufValue.UInt32(0)), "llama.block_count is 0; llama.cpp aborts on a block count outside 1 to 512"),
        ["513 blocks"] = (file => file.Set("llama.block_count", GgufValue.UInt32(513)), "llama.block_count is 513"),
        ["experts used without experts"] = (file => file.Set("llama.expert_used_count", GgufValue.UInt32(2)), "uses 2 experts per token but has 0"),
        ["experts never used"] = (file => file.Set("llama.expert_count", GgufValue.UInt32(4)), "has 4 experts but uses none per token"),
        ["513 experts"] = (file => Experts(file, 513, 2), "has 513 experts, more than llama.cpp's 512"),
        ["as many groups as experts"] = (file => Experts(file, 4, 2, groups: 4), "has 4 expert groups for 4 experts"),
        ["uneven expert groups"] = (file => Experts(file, 4, 2, groups: 3, groupsUsed: 1), "splits 4 experts into 3 unequal groups"),
        ["no expert group used"] = (file => Experts(file, 4, 2, groups: 2), "uses 0 of 2 expert groups"),
        ["expert groups without experts"] = (file => file.Set("llama.expert_group_count", GgufValue.UInt32(2)), "has 2 expert groups but no experts"),
        ["unknown rope scaling"] = (file => file.Set("llama.rope.scaling.type", GgufValue.String("dynamic")), "llama.rope.scaling.type is 'dynamic'"),
        ["no token embedding"] = (file => file.RemoveTensor("token_embd.weight"), "the llama model has no tensor 'token_embd.weight'"),
        ["a block without its feed-forward output"] = (file => file.RemoveTensor("blk.1.ffn_down.weight"), "no tensor 'blk.1.ffn_down.weight'"),
        ["no query projection"] = (file => file.RemoveTensor("blk.0.attn_q.weight"), "no tensor 'blk.0.attn_q.weight'"),
        ["embedding rows unlike the vocabulary"] = (file => Replace(file, "token_embd.weight", 64, (ulong)Tokens(file).Length + 1), "tensor 'token_embd.weight' has shape [64, "),
        ["a norm of the wrong width"] = (file => Replace(file, "blk.0.attn_norm.weight", 65), "tensor 'blk.0.attn_norm.weight' has shape [65], but a llama model 64 wide needs [64]"),
    };

    // Variants llama.cpp loads and generates with, which the checks must therefore let through.
    private static readonly Dictionary<string, Action<GgufWriter>> Loadable = new()
    {
        ["unchanged"] = _ => { },
        ["two empty tokens"] = file => SetTokens(file, (SomePiece, ""), (SomePiece + 1, "")),
        ["output tied to the embedding"] = file => file.RemoveTensor("output.weight"),
        ["a norm with a trailing dimension of 1"] = file => Replace(file, "output_norm.weight", 64, 1),
        ["fused query, key and value"] = file =>
        {
            for (var block = 0; block < 2; block++)
            {
                file.RemoveTensor($"blk.{block}.attn_q.weight");
                file.RemoveTensor($"blk.{block}.attn_k.weight");
                file.RemoveTensor($"blk.{block}.attn_v.weight");
                file.AddTensor($"blk.{block}.attn_qkv.weight", [64, 192], new float[64 * 192]);
            }
        },
        ["yarn rope scaling"] = file => file.Set("llama.rope.scaling.type", GgufValue.String("yarn")),
    };

    public static TheoryData<string> RefusedCases => [.. Refused.Keys];

    public static TheoryData<string> LoadableCases => [.. Loadable.Keys];

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void A_file_llama_cpp_would_abort_on_is_refused_when_read(string caseName)
    {
        var (spoil, fragment) = Refused[caseName];
        using var folder = new TemporaryFolder();
        var path = Write(folder, spoil);

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(path));

        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Throws<GgufFormatException>(() => LlamaChatClient.FromFile(path));
    }

    [Theory]
    [MemberData(nameof(LoadableCases))]
    public async Task A_variant_llama_cpp_loads_passes_the_checks_and_generates(string caseName)
    {
        using var folder = new TemporaryFolder();
        var path = Write(folder, Loadable[caseName]);

        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options);
        var response = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2));

        Assert.Equal(2, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Importing_a_vocabulary_with_a_duplicate_token_is_refused_and_stores_nothing()
    {
        using var folder = new TemporaryFolder();
        var path = Write(folder, file => SetToken(file, SomePiece, "<0x00>"));
        var store = new ModelStore(new StrataPaths(folder.Combine("home")));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => new ModelImporter(store).ImportAsync(path, "dupe"));

        Assert.Contains("holds the token '<0x00>' twice, as ids 5 and 300", error.Message, StringComparison.Ordinal);
        Assert.IsType<GgufFormatException>(error.InnerException);
        Assert.Empty(store.List().Models);
        Assert.False(Directory.Exists(store.BlobFolder) && Directory.EnumerateFileSystemEntries(store.BlobFolder).Any(), "no blob was stored");
    }

    [Fact]
    public async Task An_unknown_architecture_needs_no_managed_check_since_llama_cpp_refuses_it_without_aborting()
    {
        using var folder = new TemporaryFolder();
        var path = Write(folder, file => file.Set("general.architecture", GgufValue.String("llama-from-the-future")));
        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options);

        var error = await Assert.ThrowsAsync<LlamaModelLoadException>(() => client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(2)));

        Assert.Contains("unknown model architecture", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checks_that_need_the_llama_hyperparameters_leave_a_file_without_them_to_llama_cpp()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("bare.gguf");
        new GgufWriter().Add("general.architecture", GgufValue.String("llama")).Write(path);

        Assert.Empty(GgufReader.Read(path).Tensors);
    }

    [Fact]
    public void A_projector_file_is_not_judged_as_a_language_model()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("mmproj.gguf");
        new GgufWriter().Add("general.architecture", GgufValue.String("clip")).Add("tokenizer.ggml.model", GgufValue.String("none")).Write(path);

        Assert.Equal("clip", GgufReader.Read(path).GetString("general.architecture"));
    }

    private static string Write(TemporaryFolder folder, Action<GgufWriter> change)
    {
        var file = TinyLlamaGguf.Build(new TinyLlamaOptions());
        change(file);
        var path = folder.Combine("model.gguf");
        file.Write(path);
        return path;
    }

    private static string[] Tokens(GgufWriter file) => (string[])file.Metadata["tokenizer.ggml.tokens"].Value;

    private static void SetToken(GgufWriter file, int id, string text) => SetTokens(file, (id, text));

    private static void SetTokens(GgufWriter file, params (int Id, string Text)[] changes)
    {
        var tokens = Tokens(file).ToArray();
        Assert.StartsWith("<0x00>", tokens[FirstByteToken], StringComparison.Ordinal);
        foreach (var (id, text) in changes)
        {
            tokens[id] = text;
        }

        file.Set("tokenizer.ggml.tokens", GgufValue.Array(tokens));
    }

    private static void Experts(GgufWriter file, uint experts, uint used, uint groups = 0, uint groupsUsed = 0)
    {
        file.Set("llama.expert_count", GgufValue.UInt32(experts)).Set("llama.expert_used_count", GgufValue.UInt32(used));
        if (groups > 0)
        {
            file.Set("llama.expert_group_count", GgufValue.UInt32(groups)).Set("llama.expert_group_used_count", GgufValue.UInt32(groupsUsed));
        }
    }

    private static void Replace(GgufWriter file, string name, params ulong[] dimensions)
    {
        Assert.True(file.RemoveTensor(name));
        file.AddTensor(name, dimensions, new float[dimensions.Aggregate(1UL, (product, size) => product * size)]);
    }
}
