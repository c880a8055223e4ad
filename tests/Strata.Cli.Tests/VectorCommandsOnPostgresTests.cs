using System.Text.Json;
using Npgsql;
using Strata.Data.Postgres;
using Strata.Data.TestSupport;

namespace Strata.Cli.Tests;

/// <summary>The data commands on PostgreSQL + pgvector (a private cluster per class).</summary>
public sealed class VectorCommandsOnPostgresTests : IDisposable
{
    private readonly LocalPostgresCluster cluster = LocalPostgresCluster.Start(durable: false);

    public void Dispose() => cluster.Dispose();

    [Fact]
    public async Task Collections_upsert_search_and_stats_run_on_postgres_when_the_provider_says_so()
    {
        using var strata = new StrataProcess();
        strata.Environment["STRATA__Data__Provider"] = "postgres";
        strata.Environment["STRATA__Data__ConnectionString"] = cluster.CreateDatabase("cli_data");
        var file = Path.Combine(strata.Home, "records.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"id":"a","vector":[1,0,0],"document":"the quick brown fox","metadata":{"lang":"en"}}""",
            """{"id":"b","vector":[0,1,0],"document":"der schnelle fuchs","metadata":{"lang":"de"}}""",
        ]);

        Assert.Equal(0, (await strata.RunAsync("collections", "create", "docs", "--dim", "3")).ExitCode);
        var upsert = await strata.RunAsync("upsert", "-c", "docs", file);
        Assert.True(upsert.ExitCode == 0, upsert.Stderr);
        Assert.Contains("acked 2", upsert.Stdout, StringComparison.Ordinal);
        var search = await strata.RunAsync("search", "-c", "docs", "--vector", "[0,1,0]", "--filter", """{"field":"lang","eq":"de"}""", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Contains("\"b\"", search.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"a\"", search.Stdout, StringComparison.Ordinal);
        var stats = await strata.RunAsync("collections", "stats", "docs", "--json");
        using var report = JsonDocument.Parse(stats.Stdout);
        Assert.Equal(2, report.RootElement.GetProperty("count").GetInt32());
        Assert.Empty(Directory.Exists(Path.Combine(strata.Home, "data")) ? Directory.GetFiles(Path.Combine(strata.Home, "data"), "*.db") : []);

        using var direct = new PostgresVectorDatabase(strata.Environment["STRATA__Data__ConnectionString"]);
        Assert.Equal(["docs"], await direct.ListAsync());
    }

    [Fact]
    public async Task An_unreachable_server_is_one_clear_line_without_the_password()
    {
        using var strata = new StrataProcess();
        strata.Environment["STRATA__Data__Provider"] = "postgres";
        strata.Environment["STRATA__Data__ConnectionString"] = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Password = "not-the-password-42" }.ConnectionString;

        var result = await strata.RunAsync("collections", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Cannot connect to PostgreSQL at 127.0.0.1:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Strata.", result.Stderr, StringComparison.Ordinal);
    }
}
