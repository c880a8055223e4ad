using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Strata.Data.Tests.Documents;

/// <summary>A real Kestrel server on 127.0.0.1 with the pages the URL tests need; it counts hits on /secret.</summary>
internal sealed class LoopbackWebServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int secretHits;

    private LoopbackWebServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int SecretHits => Volatile.Read(ref secretHits);

    /// <summary>The HTML served at /article.html; tests change it to see re-ingestion notice.</summary>
    public string Article { get; set; } = "<html><head><title>Article</title></head><body><main><p>Nothing yet.</p></main></body></html>";

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<LoopbackWebServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var server = new LoopbackWebServer(builder.Build());
        server.app.Run(server.HandleAsync);
        await server.app.StartAsync();
        server.BaseAddress = new Uri(server.app.Urls.Single() + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var port = BaseAddress.Port;
        switch (context.Request.Path.Value)
        {
            case "/page.html":
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<html><head><title>Served</title></head><body><main><p>Served text.</p></main></body></html>");
                break;
            case "/article.html":
                context.Response.ContentType = "text/html; charset=utf-8";
                // A fresh nonce in every response: re-ingestion must look at the text, not at the bytes.
                await context.Response.WriteAsync(Article.Replace("</body>", $"<script>var nonce='{Guid.NewGuid():N}';</script></body>", StringComparison.Ordinal));
                break;
            case "/to-page":
                context.Response.Redirect("/page.html");
                break;
            case "/to-secret":
                context.Response.Redirect($"http://127.0.0.1:{port}/secret");
                break;
            case "/to-localhost-secret":
                context.Response.Redirect($"http://localhost:{port}/secret");
                break;
            case "/to-metadata":
                context.Response.Redirect("http://169.254.169.254/latest/meta-data/");
                break;
            case "/loop":
                context.Response.Redirect("/loop");
                break;
            case "/secret":
                Interlocked.Increment(ref secretHits);
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("internal secret");
                break;
            case "/big":
                // No Content-Length: the cap must hold while streaming, not only on the header.
                context.Response.ContentType = "text/plain";
                for (var i = 0; i < 64; i++)
                {
                    await context.Response.WriteAsync(new string('x', 1024));
                    await context.Response.Body.FlushAsync();
                }

                break;
            case "/never":
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
