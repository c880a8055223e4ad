using Microsoft.Extensions.AI;

namespace Strata.Models.Catalog;

/// <summary>
/// Hands out a catalog-owned client inside a per-caller pipeline. Disposing the pipeline must not dispose the shared
/// runtime (and unload a model others are using), so disposal stops here; the catalog disposes the runtime itself.
/// </summary>
internal sealed class SharedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    protected override void Dispose(bool disposing)
    {
    }
}
