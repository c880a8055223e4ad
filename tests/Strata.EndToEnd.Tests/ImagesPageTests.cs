using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>The Images page generating PNGs from a freshly trained tiny GAN.</summary>
public sealed class ImagesPageTests(ImageServeProcess server, BrowserFixture browser) : IClassFixture<ImageServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_page_generates_the_requested_number_of_images()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Url, "/images").ToString());

        await page.SelectOptionAsync("#image-model", ImageServeProcess.Model);
        await page.FillAsync("#count", "3");
        await page.FillAsync("#image-seed", "7");
        await page.FocusAsync("#image-prompt");
        await page.Keyboard.PressAsync("Enter");

        var images = page.Locator("#gallery img");
        await Assertions.Expect(images).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        Assert.StartsWith("data:image/png;base64,", await images.First.GetAttributeAsync("src"), StringComparison.Ordinal);
        var width = await images.First.EvaluateAsync<int>("img => img.naturalWidth");
        Assert.Equal(28, width);
        await Assertions.Expect(page.Locator("#images-status")).ToHaveTextAsync($"3 images from {ImageServeProcess.Model}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "images.png"), FullPage = true });
    }
}
