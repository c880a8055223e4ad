namespace Strata.Models.Store;

/// <summary>Writes files so that a reader sees either the old contents or the new, never a torn file.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="contents"/> to a temporary file beside <paramref name="path"/>, flushes it to disk,
    /// then renames it over <paramref name="path"/>.
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        var bytes = contents.ToArray();
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file beside <paramref name="path"/>, flushes it to disk,
    /// then renames it over <paramref name="path"/>. When <paramref name="write"/> throws, nothing is replaced.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Moves a finished, flushed temporary file into place, replacing any existing file.</summary>
    public static void Commit(string temporaryPath, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.Move(temporaryPath, path, overwrite: true);
    }
}
