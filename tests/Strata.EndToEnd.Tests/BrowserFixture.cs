using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser downloads are not used), in a fresh profile, with the
/// background networking that a closed network refuses turned off.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string profile = Path.Combine(Path.GetTempPath(), "strata-chromium-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? playwright;

    public IBrowserContext Context { get; private set; } = null!;

    /// <summary>Where screenshots go: the test results folder, so CI keeps them as artifacts.</summary>
    public static string ArtifactFolder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("STRATA_TEST_ARTIFACTS") ?? Path.Combine(RepositoryRoot(), ".build", "test-results", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: the test command installs Debian's chromium package (scripts/install-test-deps.sh).");
        }

        playwright = await Playwright.CreateAsync();
        Context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        playwright?.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Strata.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? Path.GetTempPath();
    }
}
