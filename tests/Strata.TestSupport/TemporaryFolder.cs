namespace Strata.TestSupport;

/// <summary>A fresh folder under the system temp folder for one test (or one fixture), deleted with its contents on dispose.</summary>
public sealed class TemporaryFolder : IDisposable
{
    /// <summary>Creates the folder, named <paramref name="prefix"/> plus a random suffix so parallel tests never share one.</summary>
    public TemporaryFolder(string prefix = "strata-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="content"/> as UTF-8 to <paramref name="relativePath"/>, creating folders on the way; returns the full path.</summary>
    public string Write(string relativePath, string content) => Write(relativePath, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/>, creating folders on the way; returns the full path.</summary>
    public string Write(string relativePath, byte[] content)
    {
        var full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Already removed by the test, or a killed child process is still closing files in it; the system cleans
            // its temp folder eventually, and a leftover folder must not fail the test that made it.
        }
    }
}
