using System.Text;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Models.TestSupport;

/// <summary>
/// Writes a cross-encoder ONNX graph in the ms-marco MiniLM layout (inputs <c>input_ids</c>, <c>attention_mask</c>,
/// <c>token_type_ids</c>; output <c>logits</c> [batch, 1]) whose score follows a rule a test can check:
/// logit = 0.05 × (tokens of segment 0: [CLS] query [SEP]) − 0.15 × (tokens of segment 1: document [SEP]).
/// Shorter documents therefore rank first, and a longer query raises every score of a request alike.
/// </summary>
public static class TinyCrossEncoderOnnx
{
    /// <summary>Per token of the whole pair.</summary>
    public const double PairTokenWeight = 0.05;

    /// <summary>Subtracted per token of the document segment (so the document segment weighs −0.1 in all).</summary>
    public const double SegmentOneWeight = 0.15;

    /// <summary>The logit the graph gives a pair of <paramref name="queryPieces"/> and <paramref name="documentPieces"/> word pieces.</summary>
    public static double Logit(int queryPieces, int documentPieces) =>
        (PairTokenWeight * (queryPieces + documentPieces + 3)) - (SegmentOneWeight * (documentPieces + 1));

    /// <summary>
    /// Stores the graph as model <paramref name="name"/> with the built-in MiniLM's vocab.txt beside it, laid out as a
    /// pulled cross-encoder is.
    /// </summary>
    public static async Task<ModelManifest> SaveAsync(ModelStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var minilm = await BuiltInEmbeddingModels.EnsureAsync(store, BuiltInEmbeddingModels.MiniLm);
        using var graph = new MemoryStream(Build());
        var model = await store.AddBlobAsync(graph, "model.onnx");
        store.SaveManifest(new ModelManifest
        {
            Name = name,
            Format = ModelFormat.Onnx,
            Files = [model, minilm.Files.Single(f => f.Path == "vocab.txt")],
            Source = new ModelSource("import", name),
            Created = DateTimeOffset.UtcNow,
            // What a pull or an import records: the inspection lists the graph as a reranker.
            Metadata = ModelInspector.Inspect(ModelFormat.Onnx, store.PathOf(model), name),
        });
        return store.Get(name);
    }

    /// <summary>The graph as bytes (ONNX IR 7, opset 13).</summary>
    public static byte[] Build()
    {
        var graph = new Proto()
            .Message(1, Node("Cast", ["attention_mask"], ["mask"], new Proto().String(1, "to").Int(3, 1).Int(20, 2)))
            .Message(1, Node("Cast", ["token_type_ids"], ["segments"], new Proto().String(1, "to").Int(3, 1).Int(20, 2)))
            .Message(1, Node("Mul", ["segments", "mask"], ["second"]))
            .Message(1, Node("ReduceSum", ["mask", "axes"], ["all_count"], new Proto().String(1, "keepdims").Int(3, 1).Int(20, 2)))
            .Message(1, Node("ReduceSum", ["second", "axes"], ["second_count"], new Proto().String(1, "keepdims").Int(3, 1).Int(20, 2)))
            .Message(1, Node("Mul", ["all_count", "pair_weight"], ["pair_term"]))
            .Message(1, Node("Mul", ["second_count", "second_weight"], ["second_term"]))
            .Message(1, Node("Sub", ["pair_term", "second_term"], ["logits"]))
            .String(2, "tiny-cross-encoder")
            .Message(5, new Proto().Int(1, 1).Int(2, 7).String(8, "axes").Bytes(9, BitConverter.GetBytes(1L)))
            .Message(5, new Proto().Int(2, 1).String(8, "pair_weight").Bytes(9, BitConverter.GetBytes((float)PairTokenWeight)))
            .Message(5, new Proto().Int(2, 1).String(8, "second_weight").Bytes(9, BitConverter.GetBytes((float)SegmentOneWeight)))
            .Message(11, Input("input_ids", 7, "batch", "sequence"))
            .Message(11, Input("attention_mask", 7, "batch", "sequence"))
            .Message(11, Input("token_type_ids", 7, "batch", "sequence"))
            .Message(12, Input("logits", 1, "batch", 1));
        return new Proto().Int(1, 7).String(2, "strata-tests").Message(7, graph).Message(8, new Proto().String(1, "").Int(2, 13)).ToArray();
    }

    private static Proto Node(string op, string[] inputs, string[] outputs, Proto? attribute = null)
    {
        var node = new Proto();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, op + "_" + outputs[0]).String(4, op);
        return attribute is null ? node : node.Message(5, attribute);
    }

    /// <summary>A tensor value info: element type (1 float, 7 int64) and dimensions, each a name or a size.</summary>
    private static Proto Input(string name, int elementType, params object[] dims)
    {
        var shape = new Proto();
        foreach (var dim in dims)
        {
            shape.Message(1, dim is string param ? new Proto().String(2, param) : new Proto().Int(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new Proto().String(1, name).Message(2, new Proto().Message(1, new Proto().Int(1, elementType).Message(2, shape)));
    }

    /// <summary>Just enough of the protobuf wire format: varints, strings, bytes and nested messages.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream buffer = new();

        public Proto Int(int field, long value)
        {
            Varint(((ulong)field << 3) | 0);
            Varint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Bytes(int field, byte[] value)
        {
            Varint(((ulong)field << 3) | 2);
            Varint((ulong)value.Length);
            buffer.Write(value);
            return this;
        }

        public Proto Message(int field, Proto value) => Bytes(field, value.ToArray());

        public byte[] ToArray() => buffer.ToArray();

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            buffer.WriteByte((byte)value);
        }
    }
}
