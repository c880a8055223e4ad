using Strata.Monitoring.Runs;

namespace Strata.Monitoring.Plots;

/// <summary>Draws a run's metric series against their steps, one line each, into a PNG or SVG file (ScottPlot).</summary>
public static class RunPlotter
{
    /// <summary>Draws <paramref name="metrics"/> of <paramref name="runId"/> into <paramref name="outputPath"/>; the extension picks the format.</summary>
    /// <exception cref="ArgumentException">The file type is not .png or .svg, the size is not positive, or a metric has no points.</exception>
    public static void Save(RunStore store, string runId, IReadOnlyList<string> metrics, string outputPath, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (width is < 1 or > 16_384 || height is < 1 or > 16_384)
        {
            throw new ArgumentException($"A plot is 1 to 16384 pixels on each side, not {width}×{height}.");
        }

        var extension = Path.GetExtension(outputPath).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new ArgumentException($"Plots are written as .png or .svg, not '{extension}'.", nameof(outputPath));
        }

        var plot = Build(store, runId, metrics);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        if (extension == ".png")
        {
            plot.SavePng(outputPath, width, height);
        }
        else
        {
            plot.SaveSvg(outputPath, width, height);
        }
    }

    /// <summary>Draws <paramref name="metrics"/> of <paramref name="runId"/> as SVG markup, for a web page.</summary>
    /// <exception cref="ArgumentException">A metric has no points.</exception>
    public static string Svg(RunStore store, string runId, IReadOnlyList<string> metrics, int width = 640, int height = 320)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metrics);
        return Build(store, runId, metrics).GetSvgXml(Math.Clamp(width, 1, 4096), Math.Clamp(height, 1, 4096));
    }

    private static ScottPlot.Plot Build(RunStore store, string runId, IReadOnlyList<string> metrics)
    {
        var run = store.Get(runId);
        var plot = new ScottPlot.Plot();
        foreach (var metric in metrics)
        {
            var points = store.Metrics(runId, metric);
            if (points.Count == 0)
            {
                var known = string.Join(", ", store.Summaries(runId).Select(s => s.Name));
                throw new ArgumentException($"Run {runId} has no metric '{metric}'. It has: {(known.Length == 0 ? "none" : known)}.");
            }

            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Value).ToArray());
            line.LegendText = metric;
            line.MarkerSize = points.Count > 50 ? 0 : 4;
        }

        plot.Title($"{run.Project} / {run.Name}");
        plot.XLabel("step");
        if (metrics.Count == 1)
        {
            plot.YLabel(metrics[0]);
        }
        else
        {
            plot.ShowLegend();
        }

        return plot;
    }
}
