using Microsoft.Extensions.AI;

namespace Strata.Models.Catalog;

/// <summary>
/// Hands out a catalog-owned client (a runtime, or a pipeline built over one). Disposing what a caller was given must
/// not dispose what others share (and unload a model they are using), so disposal stops here; the catalog disposes
/// the shared clients itself.
/// </summary>
internal sealed class SharedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    protected override void Dispose(bool disposing)
    {
    }
}
