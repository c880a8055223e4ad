using SkiaSharp;
using Strata.Monitoring.Plots;
using Strata.Monitoring.Runs;

namespace Strata.Monitoring.Tests.Plots;

public sealed class RunPlotterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private (RunStore Store, string RunId) LoggedRun()
    {
        var store = new RunStore(_folder.Combine("runs"));
        using var run = store.Start(new RunStartOptions { Project = "plots" });
        for (var step = 0; step < 200; step++)
        {
            run.Log("loss", Math.Exp(-step / 50.0), step);
            run.Log("accuracy", 1 - Math.Exp(-step / 40.0), step);
        }

        run.Finish();
        return (store, run.Id);
    }

    [Fact]
    public void A_png_plot_has_the_requested_size_and_more_than_one_colour()
    {
        var (store, id) = LoggedRun();
        var output = _folder.Combine("out", "loss.png");

        RunPlotter.Save(store, id, ["loss", "accuracy"], output, 640, 360);

        using var bitmap = SKBitmap.Decode(output);
        Assert.NotNull(bitmap);
        Assert.Equal((640, 360), (bitmap.Width, bitmap.Height));
        var first = bitmap.GetPixel(0, 0);
        var differing = 0;
        for (var y = 0; y < bitmap.Height; y += 3)
        {
            for (var x = 0; x < bitmap.Width; x += 3)
            {
                differing += bitmap.GetPixel(x, y) != first ? 1 : 0;
            }
        }

        Assert.True(differing > 100, $"only {differing} sampled pixels differ from the background");
    }

    [Fact]
    public void An_svg_plot_is_an_svg_document_naming_the_series()
    {
        var (store, id) = LoggedRun();
        var output = _folder.Combine("loss.svg");

        RunPlotter.Save(store, id, ["loss", "accuracy"], output, 500, 300);

        var svg = File.ReadAllText(output);
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("accuracy", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Plotting_a_metric_the_run_does_not_have_names_the_ones_it_has()
    {
        var (store, id) = LoggedRun();

        var error = Assert.Throws<ArgumentException>(() => RunPlotter.Save(store, id, ["lost"], _folder.Combine("x.png")));
        Assert.Contains("accuracy, loss", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RunPlotter.Save(store, id, ["loss"], _folder.Combine("x.jpg")));
    }
}
