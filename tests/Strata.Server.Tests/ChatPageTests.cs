using System.Net;
using System.Text.RegularExpressions;
using Strata.Models.Catalog;

namespace Strata.Server.Tests;

/// <summary>The Chat page as the server renders it, before any script runs.</summary>
public sealed partial class ChatPageTests
{
    [Fact]
    public async Task Without_a_chat_model_the_page_gives_the_clis_advice_word_for_word_with_its_commands_as_code()
    {
        await using var server = await RunningServer.StartAsync();

        var html = await server.Client.GetStringAsync(new Uri("/chat", UriKind.Relative));

        var hint = NoModelsHint().Match(html);
        Assert.True(hint.Success, html);
        var markup = hint.Groups["html"].Value;
        Assert.Contains($"<code>{ChatModelSetup.PullCommand}</code>", markup, StringComparison.Ordinal);
        Assert.Contains($"<code>{ChatModelSetup.ImportCommand}</code>", markup, StringComparison.Ordinal);
        Assert.Contains($"<code>{ChatModelSetup.DefaultSetting}</code>", markup, StringComparison.Ordinal);
        // The plain text quotes the two commands where the page sets them as code; otherwise the words are the same.
        var text = markup
            .Replace($"<code>{ChatModelSetup.PullCommand}</code>", $"'{ChatModelSetup.PullCommand}'", StringComparison.Ordinal)
            .Replace($"<code>{ChatModelSetup.ImportCommand}</code>", $"'{ChatModelSetup.ImportCommand}'", StringComparison.Ordinal)
            .Replace("<code>", "", StringComparison.Ordinal)
            .Replace("</code>", "", StringComparison.Ordinal);
        Assert.Equal(ChatModelSetup.NoChatModel, WebUtility.HtmlDecode(text));
    }

    [Fact]
    public async Task The_max_tokens_field_stops_where_the_server_does()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:MaxOutputTokens"] = "200" });

        var html = await server.Client.GetStringAsync(new Uri("/chat", UriKind.Relative));

        Assert.Contains("""<input id="max-tokens" type="number" min="1" max="200" value="200" />""", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("""<p class="hint" id="no-models">(?<html>.*?)</p>""", RegexOptions.Singleline)]
    private static partial Regex NoModelsHint();
}
