using Strata.TestSupport;

namespace Strata.Benchmarks.Vectors;

/// <summary>Installs a node peer's packages; a peer that cannot be installed here is skipped with the reason, not a failure.</summary>
internal static class NodePeerInstall
{
    public static void Ensure(string folder, Action<string> log)
    {
        try
        {
            NodePackages.Ensure(folder, message => log($"vectors: {message}"));
        }
        catch (NodePackagesException e)
        {
            throw new PeerUnavailableException(e.Message, e);
        }
    }
}
