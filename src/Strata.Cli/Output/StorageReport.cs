namespace Strata.Cli.Output;

/// <summary>Where Strata keeps its data, and whether there is room and permission to write there.</summary>
internal sealed record StorageReport(string Home, bool Exists, bool Writable, long FreeBytes, long TotalBytes)
{
    public static StorageReport Read(string home)
    {
        var existing = home;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var drive = new DriveInfo(existing);
        return new StorageReport(home, Directory.Exists(home), CanWrite(existing), drive.AvailableFreeSpace, drive.TotalSize);
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, $".strata-write-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
