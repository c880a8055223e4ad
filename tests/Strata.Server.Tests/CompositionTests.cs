using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Strata.Data.Collections;
using Strata.Data.Embedded;
using Strata.TestSupport;

namespace Strata.Server.Tests;

/// <summary>The server is built on the one composition root, and a test can replace any of its services.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task A_replaced_service_is_the_one_the_server_uses()
    {
        using var elsewhere = new TemporaryFolder();
        var database = new EmbeddedVectorDatabase(elsewhere.Path);
        (await database.CreateAsync(new CollectionSpec("replaced", 3))).Dispose();

        await using var server = await RunningServer.StartAsync(replace: services => services.AddSingleton<IVectorDatabase>(database));
        using var response = await server.Client.GetAsync(new Uri("/api/collections", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["replaced"], body.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_bad_configuration_value_stops_the_server_with_the_key_named()
    {
        var error = await Assert.ThrowsAsync<Strata.Core.Errors.StrataConfigurationException>(() =>
            RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ModelConcurrency"] = "0" }));

        Assert.Equal("Server:ModelConcurrency", error.Key);
    }
}
