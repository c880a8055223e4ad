using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Strata.TestSupport;

/// <summary>
/// Installs a Node.js program's locked dependencies (<c>npm ci</c>) in its folder the first time it runs, and again when the lock
/// file or the node version changes (a native addon is compiled for one node). Native addons compile against the system's node
/// headers, so nothing is downloaded but the packages themselves. Used by the benchmarks' node peers and the tests of JS clients.
/// </summary>
public static class NodePackages
{
    private const string StampName = ".strata-installed";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Installs the packages of <paramref name="folder"/>'s package-lock.json unless that exact install is there.</summary>
    /// <param name="folder">The program's folder, holding package.json and package-lock.json.</param>
    /// <param name="log">Told when an install starts (it takes a while).</param>
    /// <exception cref="NodePackagesException">node or npm is missing, or the install failed.</exception>
    public static void Ensure(string folder, Action<string> log)
    {
        var lockFile = Path.Combine(folder, "package-lock.json");
        if (!File.Exists(lockFile))
        {
            throw new NodePackagesException($"{lockFile} is missing (the peer's files are copied beside the benchmark at build time)");
        }

        var nodeVersion = Run("node", ["--version"], folder, TimeSpan.FromSeconds(30)) is (0, var version) ? version.Trim()
            : throw new NodePackagesException("'node --version' failed");
        var stamp = $"{nodeVersion} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(lockFile)))}";
        var stampFile = Path.Combine(folder, "node_modules", StampName);
        if (IsInstalled(stampFile, stamp))
        {
            return;
        }

        // Two benchmarks starting at once must not both write node_modules.
        using var exclusive = WaitForLock(Path.Combine(folder, ".install-lock"));
        if (IsInstalled(stampFile, stamp))
        {
            return;
        }

        log($"installing node packages in {folder} (npm ci; about a minute)");
        var environment = new Dictionary<string, string>();
        // node-gyp downloads node's headers unless told where they are; the system's headers (Debian: libnode-dev) keep it offline.
        if (Environment.GetEnvironmentVariable("npm_config_nodedir") is null && File.Exists("/usr/include/node/common.gypi"))
        {
            environment["npm_config_nodedir"] = "/usr";
        }

        var (exitCode, output) = Run(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund"], folder, InstallTimeout, environment);
        if (exitCode != 0)
        {
            throw new NodePackagesException($"'npm ci' in {folder} failed (exit {exitCode}; it needs npm's registry, and g++, make and python3 for native addons): {Tail(output)}");
        }

        File.WriteAllText(stampFile + ".tmp", stamp);
        File.Move(stampFile + ".tmp", stampFile, overwrite: true);
    }

    private static bool IsInstalled(string stampFile, string stamp) => File.Exists(stampFile) && File.ReadAllText(stampFile) == stamp;

    private static FileStream WaitForLock(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < InstallTimeout)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>Runs a program (node, npm) to completion in <paramref name="folder"/>; stdout and stderr come back together.</summary>
    /// <exception cref="NodePackagesException">The program is not on PATH, or ran longer than <paramref name="timeout"/>.</exception>
    public static (int ExitCode, string Output) Run(string program, string[] arguments, string folder, TimeSpan timeout, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new NodePackagesException($"'{program}' did not start");
        }
        catch (Win32Exception e)
        {
            throw new NodePackagesException($"'{program}' is not on PATH (Debian: apt-get install nodejs npm libnode-dev g++ make python3)", e);
        }

        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new NodePackagesException($"'{program} {string.Join(' ', arguments)}' took longer than {timeout.TotalMinutes:0} minutes: {Tail(output.ToString())}");
            }

            process.WaitForExit();
            lock (output)
            {
                return (process.ExitCode, output.ToString());
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    // One line, so a skipped benchmark peer stays one row of its report.
    private static string Tail(string output)
    {
        var text = string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.Length <= 1500 ? text : "…" + text[^1500..];
    }
}

/// <summary>Node.js packages could not be installed here: node or npm is missing, or <c>npm ci</c> failed (the message says which).</summary>
public sealed class NodePackagesException(string message, Exception? inner = null) : Exception(message, inner);
