using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Components;

/// <summary>
/// Every inline script and style the pages render, in one place, so the Content-Security-Policy can allow exactly these
/// by their SHA-256 hashes and nothing else: an injected script (or <c>style</c>, or <c>on…</c> attribute) does not run.
/// A page renders its script as <c>&lt;script&gt;@((MarkupString)PageScripts.Chat)&lt;/script&gt;</c>; a new page adds
/// its script here and to <see cref="All"/>.
/// </summary>
internal static class PageScripts
{
    public const string Chat = EventStreamScript.Source + ChatScript.Source;

    public const string Knowledge = EventStreamScript.Source + KnowledgeScript.Source;

    public const string Images = ImagesScript.Source;

    public const string Models = ModelsScript.Source;

    /// <summary>Every page script.</summary>
    public static IReadOnlyList<string> All { get; } = [Chat, Knowledge, Images, Models];

    /// <summary>
    /// The policy of every response but the API reference page: the pages' own scripts and stylesheet by hash, images
    /// from the server or generated in the page, requests to the server only, no frames, plugins or foreign form targets.
    /// </summary>
    public static string ContentSecurityPolicy { get; } =
        "default-src 'none'; " +
        $"script-src {string.Join(' ', All.Select(Hash))}; " +
        $"style-src {Hash(Styles.Css)}; " +
        "img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static string Hash(string inline) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)))}'";
}
