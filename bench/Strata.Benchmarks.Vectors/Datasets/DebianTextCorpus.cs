using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Strata.Data.Documents;

namespace Strata.Benchmarks.Vectors.Datasets;

/// <summary>
/// Real English technical prose that Debian packages install, cut into distinct <see cref="Passages"/> in a fixed
/// pseudo-random order: the manual pages of <c>manpages</c> and <c>manpages-dev</c> (the Linux man-pages project), the
/// HTML chapters of the Debian reference manual (<c>debian-reference-en</c>) and the Python 3.11 documentation
/// (<c>python3.11-doc</c>). Each package is read when installed; the files are those dpkg lists as the package's own.
/// </summary>
public static class DebianTextCorpus
{
    /// <summary>The packages read, in order, and whether their pages are troff (manual pages) or HTML.</summary>
    public static IReadOnlyList<(string Package, bool IsTroff)> Packages { get; } =
        [("manpages", true), ("manpages-dev", true), ("debian-reference-en", false), ("python3.11-doc", false)];

    // dpkg's record of the files each installed package owns (what `dpkg -L` prints).
    private const string DpkgInfoFolder = "/var/lib/dpkg/info";

    /// <summary>The packages to install when the corpus is missing or short, as an apt-get line.</summary>
    public static string InstallHint => $"apt-get install {string.Join(' ', Packages.Select(p => p.Package))}";

    /// <summary>
    /// Every distinct passage of the installed corpus, ordered by the SHA-256 of its text: a shuffle that is the same
    /// on every machine with the same package versions, so any prefix is a sample of the whole corpus rather than of the
    /// first pages in alphabetical order.
    /// </summary>
    /// <exception cref="InvalidOperationException">None of the packages is installed.</exception>
    public static IReadOnlyList<string> Load(Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var loader = new DocumentLoader();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var counts = new List<string>();
        foreach (var (package, isTroff) in Packages)
        {
            var files = PackageFiles(package).Where(isTroff ? IsManPage : IsHtmlPage).Order(StringComparer.Ordinal).ToList();
            var before = distinct.Count;
            foreach (var file in files)
            {
                distinct.UnionWith(isTroff ? ManPagePassages(file) : HtmlPassages(loader, file));
            }

            counts.Add(files.Count == 0 ? $"{package}: not installed" : $"{package}: {distinct.Count - before:N0} from {files.Count:N0} files");
        }

        if (distinct.Count == 0)
        {
            throw new InvalidOperationException($"No text corpus is installed: the MiniLM dataset embeds passages of Debian's documentation packages. Install them: {InstallHint}.");
        }

        log($"corpus: {distinct.Count:N0} distinct passages ({string.Join("; ", counts)})");
        return [.. distinct.OrderBy(SortKey, StringComparer.Ordinal).ThenBy(p => p, StringComparer.Ordinal)];
    }
    /// <summary>The passages of one manual page file (gzip-compressed or plain troff), in order; duplicates within it removed.</summary>
    public static IReadOnlyList<string> ManPagePassages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(content, Encoding.UTF8);
        return [.. ManPageText.Paragraphs(reader.ReadToEnd()).SelectMany(Passages.Split).Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> HtmlPassages(DocumentLoader loader, string path)
    {
        var loaded = loader.LoadFile(path);
        if (!loaded.IsSuccess)
        {
            return [];
        }

        // The HTML loader ends each block (paragraph, list item, table cell, code line) with a line break.
        return loaded.Document!.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .SelectMany(Passages.Split);
    }

    private static IEnumerable<string> PackageFiles(string package)
    {
        var list = Path.Combine(DpkgInfoFolder, package + ".list");
        return File.Exists(list) ? File.ReadAllLines(list) : [];
    }

    private static bool IsManPage(string path) => path.StartsWith("/usr/share/man/man", StringComparison.Ordinal) && File.Exists(path);

    // Pages of the documents, not Sphinx's copies of their sources, scripts and styles (folders starting with '_').
    private static bool IsHtmlPage(string path) =>
        path.EndsWith(".html", StringComparison.Ordinal) && !path.Contains("/_", StringComparison.Ordinal) && File.Exists(path);

    private static string SortKey(string passage) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(passage)));
}
