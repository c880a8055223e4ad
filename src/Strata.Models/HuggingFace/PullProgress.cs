namespace Strata.Models.HuggingFace;

/// <summary>How far the download of one file of a pull has come.</summary>
/// <param name="File">The file's path in the repository.</param>
/// <param name="FileNumber">Which file this is, from 1.</param>
/// <param name="FileCount">How many files the pull downloads.</param>
/// <param name="BytesDone">Bytes of the file on disk, including any resumed from an earlier attempt.</param>
/// <param name="TotalBytes">The file's size.</param>
/// <param name="BytesPerSecond">The transfer rate of this attempt so far.</param>
/// <param name="Remaining">The estimated time left for this file, when a rate is known.</param>
public sealed record PullProgress(
    string File, int FileNumber, int FileCount, long BytesDone, long TotalBytes, double BytesPerSecond, TimeSpan? Remaining)
{
    /// <summary>Whether the file is complete.</summary>
    public bool IsComplete => BytesDone >= TotalBytes;
}
