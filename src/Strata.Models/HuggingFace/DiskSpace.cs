
namespace Strata.Models.HuggingFace;

/// <summary>Checks before a download that the store's disk can hold it, so a pull does not fail hours in.</summary>
internal static class DiskSpace
{
    public static void EnsureAvailable(string folder, long bytesNeeded)
    {
        if (bytesNeeded <= 0)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        long available;
        try
        {
            available = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Some file systems cannot report free space; the download then fails on its own if space runs out.
            return;
        }

        if (available < bytesNeeded)
        {
            throw new HubException(
                $"Not enough disk space in {folder}: the download needs {ByteSize.Format(bytesNeeded)} but only {ByteSize.Format(available)} is free.");
        }
    }
}
