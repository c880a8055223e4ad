using System.Net;
using System.Security.Cryptography;
using System.Text;
using Strata.Models.Store;

namespace Strata.Models.HuggingFace;

/// <summary>A downloaded file whose bytes matched every checksum the Hub gave, waiting in the partial folder.</summary>
internal sealed record VerifiedDownload(string PartialPath, string Sha256, long Size);

/// <summary>
/// Downloads one file into a resumable partial file, hashing as it streams, and verifies it against the Hub's checksums.
/// </summary>
/// <remarks>
/// This is the hard part of a pull, kept in one place. The partial file's name is a hash of endpoint, repository,
/// commit and path, so a later pull of the same commit finds it and continues with <c>Range: bytes=N-</c>. A transfer
/// cut mid-way is resumed a few times within the pull; a cancelled or failed transfer keeps its partial file; a
/// checksum mismatch deletes it, since resuming would only extend bad bytes.
/// </remarks>
internal sealed class HubFileDownloader(HuggingFaceHubClient client, ModelStore store)
{
    private const int MaxAttempts = 4;
    private const int BufferSize = 1 << 16;

    public string PartialPathFor(string repositoryId, string commit, HubFile file)
    {
        var key = $"{client.Options.Endpoint.AbsoluteUri}\n{repositoryId}\n{commit}\n{file.Path}";
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(store.PartialFolder, name + ".partial");
    }

    /// <summary>The bytes of <paramref name="file"/> already on disk from an earlier attempt.</summary>
    public long BytesAlreadyDownloaded(string repositoryId, string commit, HubFile file)
    {
        var partial = new FileInfo(PartialPathFor(repositoryId, commit, file));
        return partial.Exists && partial.Length <= file.Size ? partial.Length : 0;
    }

    public async Task<VerifiedDownload> DownloadAsync(string repositoryId, string commit, HubFile file, TransferMeter meter, CancellationToken cancellationToken)
    {
        var partial = PartialPathFor(repositoryId, commit, file);
        Directory.CreateDirectory(store.PartialFolder);
        if (await TryCompletePartialAsync(partial, file, cancellationToken) is { } finished)
        {
            meter.Complete();
            return finished;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TransferAsync(repositoryId, commit, file, partial, meter, cancellationToken);
            }
            catch (HubException)
            {
                // A failure that emptied the partial file leaves nothing worth resuming.
                if (File.Exists(partial) && new FileInfo(partial).Length == 0)
                {
                    File.Delete(partial);
                }

                throw;
            }
            catch (TransferInterruptedException) when (attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
            catch (TransferInterruptedException e)
            {
                var kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                throw new HubException(
                    $"The download of '{file.Path}' from {repositoryId} was interrupted {MaxAttempts} times ({e.Message}). " +
                    $"{ByteSize.Format(kept)} are kept: run the pull again to resume.", e.InnerException ?? e);
            }
        }
    }

    /// <summary>
    /// A partial file of full length (left by a pull that failed on a later file) is checked locally, without a request.
    /// </summary>
    private static async Task<VerifiedDownload?> TryCompletePartialAsync(string partial, HubFile file, CancellationToken cancellationToken)
    {
        var info = new FileInfo(partial);
        if (!info.Exists || info.Length != file.Size || (file.Sha256 is null && file.GitBlobId is null))
        {
            return null;
        }

        var (sha256, gitBlobId) = await HashFileAsync(partial, file.Size, cancellationToken);
        if ((file.Sha256 is null || file.Sha256 == sha256) && (file.Sha256 is not null || file.GitBlobId == gitBlobId))
        {
            return new VerifiedDownload(partial, sha256, file.Size);
        }

        File.Delete(partial);
        return null;
    }

    private async Task<VerifiedDownload> TransferAsync(
        string repositoryId, string commit, HubFile file, string partial, TransferMeter meter, CancellationToken cancellationToken)
    {
        using var hasher = new DownloadHasher(file.Size);
        HubFileResponse? response = null;
        try
        {
            // The partial file is opened exclusively before its length is read: a pull that is still letting go of it
            // (flushing its last buffer) must not grow it between the length asked for in the range and the append.
            await using (var target = OpenPartial(partial, file))
            {
                var existing = target.Length;
                if (existing > file.Size)
                {
                    target.SetLength(0);
                    existing = 0;
                }

                response = await client.OpenFileAsync(repositoryId, commit, file.Path, existing, cancellationToken);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.PartialContent when response.RangeStart is null || response.RangeStart == existing:
                        await HashPrefixAsync(target, existing, hasher, cancellationToken);
                        break;
                    case HttpStatusCode.PartialContent:
                        target.SetLength(0);
                        throw new TransferInterruptedException($"the server sent a range from {response.RangeStart} instead of {existing}", null);
                    case HttpStatusCode.RequestedRangeNotSatisfiable when existing == file.Size:
                        // Nothing left to fetch: the partial file already holds every byte; verify it below.
                        await HashPrefixAsync(target, existing, hasher, cancellationToken);
                        break;
                    case HttpStatusCode.RequestedRangeNotSatisfiable:
                        target.SetLength(0);
                        throw new TransferInterruptedException("the server could not resume the partial download; starting over", null);
                    default:
                        // 200: the server sent the whole file (it ignored or could not honour the range).
                        target.SetLength(0);
                        existing = 0;
                        break;
                }

                meter.Restart(existing);
                if (response.StatusCode != HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    await CopyBodyAsync(response, target, file.Size, hasher, meter, cancellationToken);
                }

                if (target.Length < file.Size)
                {
                    throw new TransferInterruptedException($"the connection ended after {target.Length} of {file.Size} bytes", null);
                }

                target.Flush(flushToDisk: true);
            }

            var (sha256, gitBlobId) = hasher.Finish();
            Verify(repositoryId, file, partial, response, sha256, gitBlobId);
            meter.Complete();
            return new VerifiedDownload(partial, sha256, file.Size);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static FileStream OpenPartial(string partial, HubFile file)
    {
        try
        {
            return new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true);
        }
        catch (IOException e) when (File.Exists(partial))
        {
            throw new HubException($"'{file.Path}' is being downloaded by another Strata process; wait for it to finish.", e);
        }
    }

    private static async Task CopyBodyAsync(
        HubFileResponse response, FileStream target, long expectedSize, DownloadHasher hasher, TransferMeter meter, CancellationToken cancellationToken)
    {
        target.Seek(0, SeekOrigin.End);
        var buffer = new byte[BufferSize];
        Stream body;
        try
        {
            body = await response.OpenBodyAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TransferInterruptedException(e.Message, e);
        }

        await using (body)
        {
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new TransferInterruptedException(e.Message, e);
                }

                if (read == 0)
                {
                    return;
                }

                // A server that sends more than the file list promised is wrong or hostile; do not let it fill the disk.
                if (target.Length + read > expectedSize)
                {
                    target.SetLength(0);
                    throw new HubException($"The server sent more than the {expectedSize} bytes the Hub lists for this file; the download was discarded.");
                }

                hasher.Append(buffer.AsSpan(0, read));
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                meter.Add(read);
            }
        }
    }

    /// <summary>Runs the bytes already on disk through the hashes, so a resumed file is verified end to end.</summary>
    private static async Task HashPrefixAsync(FileStream target, long length, DownloadHasher hasher, CancellationToken cancellationToken)
    {
        target.Seek(0, SeekOrigin.Begin);
        var buffer = new byte[BufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await target.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The partial file shrank while it was being read.");
            }

            hasher.Append(buffer.AsSpan(0, read));
            left -= read;
        }
    }

    private static async Task<(string Sha256, string GitBlobId)> HashFileAsync(string path, long size, CancellationToken cancellationToken)
    {
        using var hasher = new DownloadHasher(size);
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true))
        {
            await HashPrefixAsync(stream, size, hasher, cancellationToken);
        }

        return hasher.Finish();
    }

    /// <summary>Checks every checksum the Hub announced; on any mismatch deletes the partial file and fails.</summary>
    private static void Verify(string repositoryId, HubFile file, string partial, HubFileResponse response, string sha256, string gitBlobId)
    {
        var expectations = new List<(string Kind, string Expected, string Actual)>();
        foreach (var expected in new[] { response.LinkedSha256, file.Sha256 }.OfType<string>().Distinct())
        {
            expectations.Add(("SHA-256", expected, sha256));
        }

        // For LFS files the ETag and blob id describe the pointer file, not the bytes, so they are checked only for regular files.
        if (response.LinkedSha256 is null && file.Sha256 is null)
        {
            foreach (var expected in new[] { response.GitBlobId, file.GitBlobId }.OfType<string>().Distinct())
            {
                expectations.Add(("git blob SHA-1", expected, gitBlobId));
            }
        }

        if (expectations.Count == 0)
        {
            File.Delete(partial);
            throw new HubException($"Hugging Face gave no checksum for '{file.Path}' in {repositoryId}, so the download cannot be verified; nothing was stored.");
        }

        var failed = expectations.FirstOrDefault(e => e.Expected != e.Actual);
        if (failed.Kind is not null)
        {
            File.Delete(partial);
            throw new HubException(
                $"Checksum mismatch for '{file.Path}' from {repositoryId}: expected {failed.Kind} {failed.Expected}, got {failed.Actual}. " +
                "The download was deleted and nothing was stored; run the pull again.");
        }
    }
}

/// <summary>The connection broke or the server could not continue the transfer; the partial file is kept for a retry.</summary>
internal sealed class TransferInterruptedException(string message, Exception? innerException) : Exception(message, innerException);
