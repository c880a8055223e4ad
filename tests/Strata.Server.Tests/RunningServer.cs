using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Core;
using Strata.Server;

namespace Strata.Server.Tests;

/// <summary>A real Strata server on a free loopback port with its own STRATA_HOME, stopped and deleted on dispose.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private RunningServer(WebApplication app, StrataPaths paths)
    {
        this.app = app;
        Paths = paths;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public StrataPaths Paths { get; }

    public HttpClient Client { get; }

    /// <summary>The server's services (tests reach the model catalog through them).</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>The server's route table.</summary>
    public IEnumerable<Microsoft.AspNetCore.Http.Endpoint> Endpoints =>
        app.Services.GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>().SelectMany(source => source.Endpoints);

    /// <param name="settings">Configuration keys beyond the loopback address.</param>
    /// <param name="paths">STRATA_HOME; a fresh temporary one when null.</param>
    /// <param name="replace">Registers services that replace the server's own.</param>
    public static async Task<RunningServer> StartAsync(
        IDictionary<string, string?>? settings = null, StrataPaths? paths = null, Action<IServiceCollection>? replace = null)
    {
        paths ??= new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-server-test-" + Guid.NewGuid().ToString("N")));
        var values = new Dictionary<string, string?> { ["Server:Urls"] = "http://127.0.0.1:0" };
        foreach (var pair in settings ?? new Dictionary<string, string?>())
        {
            values[pair.Key] = pair.Value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var app = StrataServer.Build(paths, configuration, replace);
        await app.StartAsync();
        return new RunningServer(app, paths);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (Directory.Exists(Paths.Home))
        {
            Directory.Delete(Paths.Home, recursive: true);
        }
    }
}
