using System.Text.RegularExpressions;

namespace Strata.Benchmarks.Embeddings;

/// <summary>
/// Real English sentences for embedding workloads: the licence texts most Linux systems ship, split into sentences,
/// in a fixed order; generated text when those files are absent, so the benchmark runs anywhere.
/// </summary>
internal static partial class SentenceCorpus
{
    private const string LicenceFolder = "/usr/share/common-licenses";

    public static IReadOnlyList<string> Load()
    {
        var sentences = new List<string>();
        if (Directory.Exists(LicenceFolder))
        {
            foreach (var file in Directory.GetFiles(LicenceFolder).Order(StringComparer.Ordinal))
            {
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (IOException)
                {
                    continue;
                }

                sentences.AddRange(SentenceEnd().Split(Whitespace().Replace(text, " "))
                    .Select(sentence => sentence.Trim())
                    .Where(sentence => sentence.Count(char.IsWhiteSpace) >= 3 && sentence.Length <= 600));
            }
        }

        // Licences repeat whole paragraphs (GPL-2 and GPL-3 share many): duplicates would only measure the same work twice.
        sentences = sentences.Distinct(StringComparer.Ordinal).ToList();
        return sentences.Count >= 500 ? sentences : Generated(2000);
    }

    private static List<string> Generated(int count)
    {
        string[] words =
        [
            "the", "model", "store", "keeps", "every", "file", "under", "its", "digest", "and", "a", "manifest", "names", "them",
            "embedding", "vectors", "measure", "how", "close", "two", "sentences", "are", "in", "meaning", "while", "batches",
            "group", "inputs", "of", "similar", "length", "so", "padding", "costs", "little", "work", "on", "shared", "machines",
        ];
        var random = new Random(7);
        return Enumerable.Range(0, count)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(4, 60)).Select(_ => words[random.Next(words.Length)])) + ".")
            .ToList();
    }

    [GeneratedRegex(@"(?<=[.!?;:])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
