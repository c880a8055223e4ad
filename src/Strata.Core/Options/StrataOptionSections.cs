namespace Strata.Core.Options;

/// <summary>Every configuration key Strata binds, section by section: what the README's table and <c>--help</c> must show.</summary>
public static class StrataOptionSections
{
    /// <summary>The keys of every options class, in section order.</summary>
    public static IReadOnlyList<OptionKey> AllKeys { get; } =
    [
        .. StrataOptionsBinder.Keys<ServerOptions>(),
        .. StrataOptionsBinder.Keys<ModelsOptions>(),
        .. StrataOptionsBinder.Keys<HuggingFaceOptions>(),
        .. StrataOptionsBinder.Keys<DataOptions>(),
        .. StrataOptionsBinder.Keys<IngestionOptions>(),
        .. StrataOptionsBinder.Keys<RetrievalOptions>(),
        .. StrataOptionsBinder.Keys<TelemetryOptions>(),
    ];
}
