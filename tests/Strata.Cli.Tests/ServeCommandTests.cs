using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_answers_health_and_lists_models_on_loopback()
    {
        using var strata = new StrataProcess();
        var url = $"http://127.0.0.1:{FreePort()}";
        using var process = strata.Start("serve", "--urls", url);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            await WaitUntilHealthyAsync(client, process);

            using var models = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
            Assert.Equal("list", models.RootElement.GetProperty("object").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_refuses_a_non_loopback_address_without_api_keys()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("serve", "--urls", "http://0.0.0.0:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("without API keys", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task WaitUntilHealthyAsync(HttpClient client, System.Diagnostics.Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                Assert.Fail("strata serve exited: " + await process.StandardError.ReadToEndAsync());
            }

            try
            {
                if ((await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        Assert.Fail("strata serve did not become healthy within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
