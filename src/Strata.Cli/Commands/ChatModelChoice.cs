using Strata.Models.Catalog;

namespace Strata.Cli.Commands;

/// <summary>Which chat model <c>strata chat</c> and <c>strata generate</c> use, and what they say when there is none.</summary>
internal static class ChatModelChoice
{
    /// <summary>
    /// <paramref name="option"/> (<c>-m</c>), else <c>Models:DefaultChat</c>. Without either it is a usage error: with
    /// chat models available it names them; with none it says how to get one (<see cref="ChatModelSetup.NoChatModel"/>).
    /// </summary>
    public static string Resolve(string? option, CliContext context)
    {
        if ((option ?? context.Models.DefaultChat) is { Length: > 0 } reference)
        {
            return reference;
        }

        var available = context.Catalog.List().Where(entry => entry.Capabilities.HasFlag(ModelCapabilities.Chat)).Select(entry => entry.Name).ToList();
        throw new CliUsageException(available.Count == 0
            ? ChatModelSetup.NoChatModel
            : $"No chat model given: pass -m NAME or set {ChatModelSetup.DefaultSetting} (chat models here: {string.Join(", ", available)}).");
    }
}
