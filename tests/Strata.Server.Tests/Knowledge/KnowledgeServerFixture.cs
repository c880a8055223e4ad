namespace Strata.Server.Tests.Knowledge;

/// <summary>One running server (MiniLM built in, no chat model) shared by a test class; small upload limit for 413 tests.</summary>
public sealed class KnowledgeServerFixture : IAsyncLifetime
{
    public const int MaxUploadBytes = 64 * 1024;

    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("The server is not started.");

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync() =>
        server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
