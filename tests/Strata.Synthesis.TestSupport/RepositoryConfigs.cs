namespace Strata.Synthesis.TestSupport;

/// <summary>The repository's shipped configuration files (<c>configs/</c>), as tests read them.</summary>
public static class RepositoryConfigs
{
    /// <summary>The path of <c>configs/FILE</c>, found by walking up from the test's output folder.</summary>
    public static string Find(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "configs", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"configs/{file} not found above the test folder.");
    }
}
