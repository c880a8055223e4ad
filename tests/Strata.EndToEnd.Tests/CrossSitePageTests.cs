using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>
/// The attack the keyless server must withstand: a page the user visits, here served from another loopback origin
/// (another port on 127.0.0.1, the closest a page can get), makes the user's Chromium send a multipart form that
/// uploads a document and a <c>text/plain</c> fetch that starts model work. Both reach the server and both are refused.
/// </summary>
public sealed partial class CrossSitePageTests(StrataServeProcess server, BrowserFixture browser) : IClassFixture<StrataServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_page_from_another_loopback_origin_can_neither_upload_a_document_nor_run_a_text_plain_request()
    {
        using var api = new HttpClient { BaseAddress = server.Url };
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/collections", new { name = "poison", dimension = 384 })).StatusCode);
        await using var attacker = await AttackerSite.StartAsync(server.Url);
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(attacker.Url.ToString());

        // The fetch: text/plain is a "simple" request, sent without a preflight; the page cannot read the answer, but the
        // server would have run the model. no-cors resolves once the response arrives.
        Assert.Equal("sent", await page.EvaluateAsync<string>("sendPlain()"));

        // The form: multipart needs no preflight either; the browser navigates to the server's answer.
        var file = Path.Combine(server.Home, "poison.md");
        await File.WriteAllTextAsync(file, "# Poison\n\nThe harbour master of Pellan is the attacker.");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("#go");
        await page.WaitForURLAsync(new Regex("/api/collections/poison/documents$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "cross-site-form.png") });
        Assert.Contains("cross_site_request", await page.ContentAsync(), StringComparison.Ordinal);

        Assert.Equal("[]", await api.GetStringAsync(new Uri("/api/collections/poison/documents", UriKind.Relative)));
        Assert.False(File.Exists(Path.Combine(server.Home, "uploads", "poison", "poison.md")));
        // The server's request metrics: the fetch arrived and was answered 403, and no embeddings request succeeded.
        var embeddings = await EmbeddingsStatusesAsync(api);
        Assert.Contains("403", embeddings);
        Assert.DoesNotContain("200", embeddings);
    }

    /// <summary>The response statuses recorded for <c>POST /v1/embeddings</c>, waiting for the first to be recorded.</summary>
    private static async Task<List<string>> EmbeddingsStatusesAsync(HttpClient api)
    {
        for (var attempt = 0; ; attempt++)
        {
            var metrics = await api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var statuses = metrics.Split('\n')
                .Where(line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                    && line.Contains("http_route=\"/v1/embeddings\"", StringComparison.Ordinal))
                .Select(line => StatusLabel().Match(line).Groups[1].Value)
                .ToList();
            if (statuses.Count > 0 || attempt == 50)
            {
                return statuses;
            }

            // The exporter caches a scrape briefly, and a request is recorded as it ends.
            await Task.Delay(200);
        }
    }

    [GeneratedRegex("http_response_status_code=\"(\\d+)\"")]
    private static partial Regex StatusLabel();

    /// <summary>The attacker's site: one page on a free loopback port, aimed at the Strata server.</summary>
    private sealed class AttackerSite(WebApplication app) : IAsyncDisposable
    {
        public Uri Url { get; private set; } = null!;

        public static async Task<AttackerSite> StartAsync(Uri target)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var strata = target.ToString().TrimEnd('/');
            var html = $$"""
                <!DOCTYPE html>
                <html><head><title>Totally harmless</title></head><body>
                <form id="form" method="post" enctype="multipart/form-data" action="{{strata}}/api/collections/poison/documents">
                  <input type="file" id="file" name="file" />
                  <button id="go" type="submit">Go</button>
                </form>
                <script>
                  async function sendPlain() {
                    await fetch('{{strata}}/v1/embeddings', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' },
                                                            body: JSON.stringify({ model: 'minilm', input: 'start the model' }) });
                    return 'sent';
                  }
                </script>
                </body></html>
                """;
            app.Run(context =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(html);
            });
            await app.StartAsync();
            return new AttackerSite(app) { Url = new Uri(app.Urls.Single() + "/") };
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
