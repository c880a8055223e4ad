using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace Strata.Data.TestSupport;

/// <summary>
/// A development and test helper, not a way to run production data: a private PostgreSQL cluster (with pgvector) in a
/// temporary folder, listening only on 127.0.0.1 on a free port, with a random password. The tests and the vector
/// benchmark start one each; <see cref="Dispose"/> stops it and deletes the folder. Needs PostgreSQL's server binaries
/// and pgvector installed (<c>scripts/install-test-deps.sh</c> installs both on Debian). When run as root, the server runs
/// as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed partial class LocalPostgresCluster : IDisposable
{
    private const string Superuser = "postgres";

    private readonly string binDirectory;
    private readonly string folder;
    private readonly string password;
    private readonly bool runAsPostgres;
    private bool stopped;

    private LocalPostgresCluster(string binDirectory, string folder, string password, bool runAsPostgres, int port)
    {
        this.binDirectory = binDirectory;
        this.folder = folder;
        this.password = password;
        this.runAsPostgres = runAsPostgres;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The cluster's folder: its data directory, log and socket.</summary>
    public string Folder => folder;

    /// <summary>
    /// Creates and starts a cluster. <paramref name="durable"/> false turns off fsync and synchronous commit: faster for
    /// throwaway test data, never for data that matters.
    /// </summary>
    public static LocalPostgresCluster Start(bool durable = true)
    {
        var bin = FindBinaries();
        var runAsPostgres = Environment.UserName == "root";
        var folder = Directory.CreateTempSubdirectory("strata-pg-").FullName;
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        try
        {
            if (runAsPostgres)
            {
                RunTool("chown", ["-R", $"{Superuser}:{Superuser}", folder], asPostgres: false);
            }

            var passwordFile = Path.Combine(folder, "password");
            File.WriteAllText(passwordFile, password);
            if (runAsPostgres)
            {
                RunTool("chown", [$"{Superuser}:{Superuser}", passwordFile], asPostgres: false);
            }

            RunTool(Path.Combine(bin, "initdb"), ["-D", Path.Combine(folder, "data"), "-U", Superuser, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], runAsPostgres);
            File.Delete(passwordFile);
            var settings = durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreePort();
                try
                {
                    // Only loopback and a socket folder of our own: nothing else on the machine sees this server.
                    RunTool(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
                        $"-p {port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{folder}' -c shared_buffers=256MB -c maintenance_work_mem=512MB{settings}", "start"], runAsPostgres);
                    StartWatchdog(bin, folder, runAsPostgres);
                    return new LocalPostgresCluster(bin, folder, password, runAsPostgres, port);
                }
                catch (StrataDataException e)
                {
                    // Another process may have taken the port between probing and binding: try another.
                    last = e;
                }
            }

            throw new StrataDataException($"Could not start a local PostgreSQL cluster: {last?.Message} (log: {ReadLog(folder)})", last!);
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the cluster's superuser (it holds the password: do not print it).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = Superuser, Password = password, Database = database,
    }.ConnectionString;

    /// <summary>
    /// Creates database <paramref name="name"/> (lower-case letters, digits and '_') with the pgvector extension, copying
    /// <paramref name="template"/> when given; returns its connection string.
    /// </summary>
    public string CreateDatabase(string name, string? template = null)
    {
        if (!DatabaseName().IsMatch(name) || (template is not null && !DatabaseName().IsMatch(template)))
        {
            throw new ArgumentException($"Database names here are lower-case letters, digits and '_': '{name}'.", nameof(name));
        }

        // Unpooled: a pooled connection left open to a template database would block copying it.
        using (var admin = new NpgsqlConnection(ConnectionString() + ";Pooling=false"))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{(template is null ? "" : $" TEMPLATE \"{template}\"")}", admin);
            create.ExecuteNonQuery();
        }

        var connectionString = ConnectionString(name);
        using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        connection.Open();
        using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection);
        extension.ExecuteNonQuery();
        return connectionString;
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public void Dispose()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        NpgsqlConnection.ClearAllPools();
        try
        {
            RunTool(Path.Combine(binDirectory, "pg_ctl"), ["-D", Path.Combine(folder, "data"), "-m", "fast", "-w", "-t", "60", "stop"], runAsPostgres);
        }
        finally
        {
            TryDelete(folder);
        }
    }

    /// <summary>The newest PostgreSQL server binaries that have pgvector installed beside them.</summary>
    private static string FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin"))
                .OrderByDescending(path => int.TryParse(Path.GetFileName(Path.GetDirectoryName(path)), out var v) ? v : 0).ToList()
            : [];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        candidates.AddRange(onPath);
        var servers = candidates.Where(path => File.Exists(Path.Combine(path, "initdb")) && File.Exists(Path.Combine(path, "pg_ctl"))).ToList();
        if (servers.Count == 0)
        {
            throw new StrataDataException("PostgreSQL's server binaries (initdb, pg_ctl) were not found. Install PostgreSQL 15 or later with pgvector (scripts/install-test-deps.sh does it on Debian).");
        }

        foreach (var bin in servers)
        {
            var pgConfig = Path.Combine(bin, "pg_config");
            var share = File.Exists(pgConfig) ? RunTool(pgConfig, ["--sharedir"], asPostgres: false).Trim() : Path.Combine(Path.GetDirectoryName(bin)!, "share");
            if (File.Exists(Path.Combine(share, "extension", "vector.control")))
            {
                return bin;
            }
        }

        throw new StrataDataException($"The pgvector extension is not installed for the PostgreSQL found in {servers[0]}. Install pgvector 0.8 (scripts/install-test-deps.sh builds it on Debian).");
    }

    /// <summary>
    /// A server outlives the process that started it (pg_ctl detaches it), so a test host or benchmark killed before
    /// <see cref="Dispose"/> would leave it running with its folder. A small shell in its own session polls this
    /// process every 2 s; once it is gone, and the folder is still there, it stops the server and deletes the folder.
    /// It exits by itself when <see cref="Dispose"/> has deleted the folder. A shell loop rather than a .NET helper
    /// because it must survive this process and cost nothing while it waits.
    /// </summary>
    private static void StartWatchdog(string bin, string folder, bool runAsPostgres)
    {
        var owner = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var asPostgres = runAsPostgres ? $"runuser -u {Superuser} -- " : "";
        // The temporary folder's name is ours (letters, digits, '-', '/'), so single quotes are safe around it.
        // Descriptors this process inherited without close-on-exec (a test runner's pipes) are closed first: a
        // watchdog holding one would keep whoever reads it waiting until the watchdog ends.
        var script =
            "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; " +
            $"while kill -0 {owner} && [ -d '{folder}' ]; do sleep 2; done; " +
            $"if [ -d '{folder}/data' ]; then {asPostgres}'{Path.Combine(bin, "pg_ctl")}' -D '{folder}/data' -m immediate -w -t 30 stop; rm -rf '{folder}'; fi";
        // Started through a shell that backgrounds it with every standard stream on /dev/null and returns at once, so
        // nothing waits on it and it holds none of this process's pipes.
        RunTool("sh", ["-c", "setsid bash -c \"$0\" </dev/null >/dev/null 2>&1 &", script], asPostgres: false);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RunTool(string tool, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var argument in (string[])["-u", Superuser, "--", tool])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new StrataDataException($"Could not run {tool}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new StrataDataException($"{Path.GetFileName(tool)} did not finish within 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new StrataDataException($"{Path.GetFileName(tool)} failed (exit {process.ExitCode}): {error.Result.Trim()} {output.Result.Trim()}".Trim());
        }

        return output.Result;
    }

    private static string ReadLog(string folder)
    {
        var log = Path.Combine(folder, "server.log");
        return File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "none";
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the system's temporary directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex DatabaseName();
}
