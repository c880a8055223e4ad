using System.Collections.Concurrent;
using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// Keeps the last lines of llama.cpp's log, so a failed load can say why instead of only "failed to load",
/// and keeps llama.cpp from writing to the console.
/// </summary>
internal static class LlamaNativeLog
{
    private const int MaxLines = 200;
    private static readonly ConcurrentQueue<string> Lines = new();
    private static readonly Lazy<bool> Installed = new(Install);

    /// <summary>The remembered log lines, oldest first.</summary>
    public static string Text => string.Concat(Lines);

    /// <summary>
    /// Installs the callback. Must run before the first <c>ModelParams</c> is created: that loads the native
    /// library, after which LLamaSharp no longer accepts a log callback.
    /// </summary>
    public static void EnsureInstalled() => _ = Installed.Value;

    private static bool Install()
    {
        try
        {
            NativeLibraryConfig.All.WithLogCallback((level, message) =>
            {
                Lines.Enqueue($"{level}: {message}");
                while (Lines.Count > MaxLines && Lines.TryDequeue(out _))
                {
                }
            });
            return true;
        }
        catch (InvalidOperationException)
        {
            // The library was loaded earlier by someone else: their callback stays, we only lose the log text.
            return false;
        }
    }
}
