using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Strata.Core;
using Strata.Models.Store;

namespace Strata.Server.Responses;

/// <summary>
/// Stored responses under <c>STRATA_HOME/responses</c>, one file each (the response object and the conversation it
/// ends), written atomically, so <c>previous_response_id</c> continues a conversation and <c>GET</c>/<c>DELETE
/// /v1/responses/{id}</c> work across restarts. Bounded: beyond <see cref="MaxStored"/> the oldest are removed.
/// </summary>
public sealed partial class ResponseStore(StrataPaths paths)
{
    /// <summary>How many responses are kept.</summary>
    public const int MaxStored = 1000;

    private readonly string folder = Path.Combine(paths.Home, "responses");

    /// <summary>A new response id.</summary>
    public static string NewId() => "resp_" + Guid.NewGuid().ToString("N");

    /// <summary>Keeps <paramref name="response"/> with the conversation <paramref name="items"/> it ends.</summary>
    public void Save(string id, JsonObject response, JsonArray items)
    {
        Directory.CreateDirectory(folder);
        var document = new JsonObject { ["response"] = response.DeepClone(), ["items"] = items.DeepClone() };
        AtomicFile.WriteAllBytes(PathOf(id), System.Text.Encoding.UTF8.GetBytes(document.ToJsonString()));
        var files = new DirectoryInfo(folder).GetFiles("resp_*.json");
        foreach (var old in files.OrderByDescending(file => file.LastWriteTimeUtc).Skip(MaxStored))
        {
            old.Delete();
        }
    }

    /// <summary>The stored response and its conversation, or null when there is none under <paramref name="id"/>.</summary>
    public (JsonObject Response, JsonArray Items)? Find(string id)
    {
        if (!IsId(id) || !File.Exists(PathOf(id)))
        {
            return null;
        }

        var document = JsonNode.Parse(File.ReadAllText(PathOf(id)))!.AsObject();
        return (document["response"]!.AsObject(), document["items"]!.AsArray());
    }

    /// <summary>Removes a stored response; false when there was none.</summary>
    public bool Delete(string id)
    {
        if (!IsId(id) || !File.Exists(PathOf(id)))
        {
            return false;
        }

        File.Delete(PathOf(id));
        return true;
    }

    // Only ids this store made name files: nothing a client sends can reach another path.
    private static bool IsId(string id) => ResponseId().IsMatch(id);

    private string PathOf(string id) => Path.Combine(folder, id + ".json");

    [GeneratedRegex("^resp_[0-9a-f]{32}$")]
    private static partial Regex ResponseId();
}
