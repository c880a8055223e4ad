using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Runners;

/// <summary>
/// Generated embeddings as they cross from a runner: <c>GeneratedEmbeddings</c> is a list, so System.Text.Json would
/// write only its items and drop the usage (the token count an OpenAI response reports) and extra properties. The
/// vectors themselves travel apart, as raw floats in a <see cref="RunnerEmbeddingBatch"/>; this is the rest.
/// </summary>
internal sealed class RunnerEmbeddings
{
    public List<RunnerEmbeddingItem> Items { get; set; } = [];

    public UsageDetails? Usage { get; set; }

    public AdditionalPropertiesDictionary? AdditionalProperties { get; set; }

    /// <summary>The runner's side: the floats copied as bytes (no per-number formatting), the rest as JSON.</summary>
    public static RunnerEmbeddingBatch Write(GeneratedEmbeddings<Embedding<float>> generated)
    {
        var lengths = new int[generated.Count];
        var total = 0L;
        for (var i = 0; i < generated.Count; i++)
        {
            lengths[i] = generated[i].Vector.Length;
            total += lengths[i];
        }

        var bytes = new byte[checked(total * sizeof(float))];
        var offset = 0;
        var metadata = new RunnerEmbeddings { Usage = generated.Usage, AdditionalProperties = generated.AdditionalProperties };
        foreach (var embedding in generated)
        {
            var source = MemoryMarshal.AsBytes(embedding.Vector.Span);
            source.CopyTo(bytes.AsSpan(offset));
            offset += source.Length;
            metadata.Items.Add(new RunnerEmbeddingItem { ModelId = embedding.ModelId, CreatedAt = embedding.CreatedAt, AdditionalProperties = embedding.AdditionalProperties });
        }

        return new RunnerEmbeddingBatch { Vectors = bytes, Lengths = lengths, Metadata = RunnerJson.Write(metadata) };
    }

    /// <summary>The parent's side: each vector back in its own array, as the in-process generators return them.</summary>
    public static GeneratedEmbeddings<Embedding<float>> Read(RunnerEmbeddingBatch batch)
    {
        var metadata = RunnerJson.Read<RunnerEmbeddings>(batch.Metadata);
        var floats = MemoryMarshal.Cast<byte, float>(batch.Vectors);
        if (batch.Lengths.Length != metadata.Items.Count || batch.Lengths.Sum(length => (long)length) * sizeof(float) != batch.Vectors.Length)
        {
            throw new JsonException($"the runner channel carried {batch.Vectors.Length} bytes of vectors for {batch.Lengths.Length} lengths and {metadata.Items.Count} embeddings");
        }

        var generated = new GeneratedEmbeddings<Embedding<float>>(metadata.Items.Count) { Usage = metadata.Usage, AdditionalProperties = metadata.AdditionalProperties };
        var start = 0;
        for (var i = 0; i < metadata.Items.Count; i++)
        {
            var item = metadata.Items[i];
            generated.Add(new Embedding<float>(floats.Slice(start, batch.Lengths[i]).ToArray())
            {
                ModelId = item.ModelId,
                CreatedAt = item.CreatedAt,
                AdditionalProperties = item.AdditionalProperties,
            });
            start += batch.Lengths[i];
        }

        return generated;
    }
}

/// <summary>What one embedding carries besides its vector.</summary>
internal sealed class RunnerEmbeddingItem
{
    public string? ModelId { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public AdditionalPropertiesDictionary? AdditionalProperties { get; set; }
}
