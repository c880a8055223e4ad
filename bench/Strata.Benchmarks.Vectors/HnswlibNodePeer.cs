using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// hnswlib through the npm package hnswlib-node, run by <c>peers/hnswlib-node/bench.mjs</c> in a node child process that stays up for
/// the whole benchmark: it builds the index once (one thread), then runs every query at the search width asked for. Build and query
/// times are measured inside node, so starting node and loading the vectors are not counted.
/// </summary>
internal sealed class HnswlibNodePeer : IDisposable
{
    private readonly string workFolder;
    private readonly Process process;
    private readonly StringBuilder errors = new();

    private HnswlibNodePeer(string workFolder, Process process)
    {
        this.workFolder = workFolder;
        this.process = process;
    }

    /// <summary>The folder holding bench.mjs and its package files, copied beside the benchmark's assembly at build time.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "peers", "hnswlib-node");

    /// <summary>Seconds hnswlib took to insert every vector.</summary>
    public double BuildSeconds { get; private set; }

    /// <summary>How much the node process's resident memory grew over the build (the index lives in native memory; allocator overhead included).</summary>
    public long MemoryBytes { get; private set; }

    /// <summary>Installs the peer if needed, writes the vectors and queries for it, and waits until its index is built.</summary>
    /// <exception cref="PeerUnavailableException">node or npm is missing, the install failed, or the peer stopped before its index was built.</exception>
    public static HnswlibNodePeer Start(float[][] vectors, float[][] queries, int m, int efConstruction, int k, Action<string> log)
    {
        NodePeerInstall.Ensure(Folder, log);
        var workFolder = Directory.CreateTempSubdirectory("strata-bench-hnswlib-").FullName;
        try
        {
            var dataFile = Path.Combine(workFolder, "vectors.bin");
            WriteVectors(dataFile, vectors, queries);
            var info = new ProcessStartInfo("node")
            {
                WorkingDirectory = Folder,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            // --expose-gc lets the peer collect the loaded file before it measures the index's memory.
            foreach (var argument in new[] { "--expose-gc", Path.Combine(Folder, "bench.mjs"), dataFile, $"{m}", $"{efConstruction}", $"{k}" })
            {
                info.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(info) ?? throw new PeerUnavailableException("node did not start");
            }
            catch (Win32Exception e)
            {
                throw new PeerUnavailableException("'node' is not on PATH (Debian: apt-get install nodejs npm libnode-dev)", e);
            }

            var peer = new HnswlibNodePeer(workFolder, process);
            try
            {
                process.ErrorDataReceived += (_, e) => peer.AppendError(e.Data);
                process.BeginErrorReadLine();
                using var built = peer.Receive("built", unavailable: true);
                peer.BuildSeconds = built.RootElement.GetProperty("build_seconds").GetDouble();
                peer.MemoryBytes = built.RootElement.GetProperty("memory_bytes").GetInt64();
                return peer;
            }
            catch
            {
                peer.Dispose();
                throw;
            }
        }
        catch
        {
            if (Directory.Exists(workFolder))
            {
                Directory.Delete(workFolder, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Runs every query at search width <paramref name="ef"/>: the top-k row numbers per query and the seconds node measured.</summary>
    public (int[][] Ids, double Seconds) Search(int ef)
    {
        process.StandardInput.WriteLine($"search {ef}");
        process.StandardInput.Flush();
        using var reply = Receive("searched", unavailable: false);
        var ids = reply.RootElement.GetProperty("ids").EnumerateArray().Select(row => row.EnumerateArray().Select(id => id.GetInt32()).ToArray()).ToArray();
        return (ids, reply.RootElement.GetProperty("seconds").GetDouble());
    }

    /// <summary>
    /// Seconds to run every query <paramref name="repeat"/> times at width <paramref name="ef"/> on <paramref name="threads"/>
    /// node worker threads at once, each searching its own copy of the index (loaded before the clock starts).
    /// </summary>
    public double SearchOnThreads(int ef, int threads, int repeat)
    {
        process.StandardInput.WriteLine($"threads {ef} {threads} {repeat} {Path.Combine(workFolder, "threads.hnswlib")}");
        process.StandardInput.Flush();
        using var reply = Receive("threaded", unavailable: false);
        return reply.RootElement.GetProperty("seconds").GetDouble();
    }

    /// <summary>Seconds hnswlib takes to build another index of the same vectors (dropped afterwards; the first stays searched).</summary>
    public double Rebuild()
    {
        process.StandardInput.WriteLine("build");
        process.StandardInput.Flush();
        using var reply = Receive("rebuilt", unavailable: false);
        return reply.RootElement.GetProperty("build_seconds").GetDouble();
    }

    /// <summary>The size of the index written to disk by hnswlib.</summary>
    public long SavedBytes()
    {
        process.StandardInput.WriteLine($"save {Path.Combine(workFolder, "index.hnswlib")}");
        process.StandardInput.Flush();
        using var reply = Receive("saved", unavailable: false);
        return reply.RootElement.GetProperty("bytes").GetInt64();
    }

    public void Dispose()
    {
        try
        {
            // Closing stdin ends the peer's command loop.
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (IOException)
        {
            // The peer had already exited.
        }
        finally
        {
            process.Dispose();
            if (Directory.Exists(workFolder))
            {
                Directory.Delete(workFolder, recursive: true);
            }
        }
    }

    /// <summary>Writes the file bench.mjs reads: "SVEC", int32 vector count, query count, dimension, then float32 rows.</summary>
    private static void WriteVectors(string path, float[][] vectors, float[][] queries)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("SVEC"u8);
        writer.Write(vectors.Length);
        writer.Write(queries.Length);
        writer.Write(vectors[0].Length);
        foreach (var row in vectors.Concat(queries))
        {
            if (BitConverter.IsLittleEndian)
            {
                writer.Write(MemoryMarshal.AsBytes(row.AsSpan()));
                continue;
            }

            foreach (var value in row)
            {
                writer.Write(value);
            }
        }
    }

    private JsonDocument Receive(string expectedEvent, bool unavailable)
    {
        var line = process.StandardOutput.ReadLine();
        if (line is null)
        {
            process.WaitForExit();
            string message;
            lock (errors)
            {
                message = $"the hnswlib-node peer exited (code {process.ExitCode}) before '{expectedEvent}': {errors.ToString().Trim()}";
            }

            throw unavailable ? new PeerUnavailableException(message) : new InvalidOperationException(message);
        }

        var reply = JsonDocument.Parse(line);
        if (reply.RootElement.GetProperty("event").GetString() != expectedEvent)
        {
            reply.Dispose();
            throw new InvalidOperationException($"the hnswlib-node peer answered '{line[..Math.Min(200, line.Length)]}' where '{expectedEvent}' was expected");
        }

        return reply;
    }

    private void AppendError(string? line)
    {
        if (line is not null)
        {
            lock (errors)
            {
                errors.AppendLine(line);
            }
        }
    }
}
