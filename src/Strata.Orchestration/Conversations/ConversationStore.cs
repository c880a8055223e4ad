using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Core;
using Strata.Models.Store;

namespace Strata.Orchestration.Conversations;

/// <summary>
/// Chat sessions persisted under <c>$STRATA_HOME/conversations</c>, one JSON file per session written atomically, so a
/// conversation survives the process and a crash never leaves half a file.
/// </summary>
public sealed class ConversationStore(StrataPaths paths)
{
    /// <summary>The folder of session files.</summary>
    public string Folder { get; } = Path.Combine((paths ?? throw new ArgumentNullException(nameof(paths))).Home, "conversations");

    /// <summary>The session's messages, or an empty list for a new session.</summary>
    public IReadOnlyList<ChatMessage> Load(string session)
    {
        var path = PathOf(session);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<ChatMessage>>(File.ReadAllBytes(path), AIJsonUtilities.DefaultOptions) ?? [];
        }
        catch (JsonException e)
        {
            throw new ModelStoreException($"The conversation '{session}' is damaged ({e.Message}); remove it or use another session name.", e);
        }
    }

    /// <summary>Replaces the session's messages.</summary>
    public void Save(string session, IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        AtomicFile.WriteAllBytes(PathOf(session), JsonSerializer.SerializeToUtf8Bytes(messages.ToList(), AIJsonUtilities.DefaultOptions));
    }

    /// <summary>The stored session names.</summary>
    public IReadOnlyList<string> List() => Directory.Exists(Folder)
        ? Directory.EnumerateFiles(Folder, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Deletes a session; false when there was none.</summary>
    public bool Delete(string session)
    {
        var path = PathOf(session);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    private string PathOf(string session)
    {
        var problem = ModelName.Validate(session);
        if (problem is not null || session.Contains('/', StringComparison.Ordinal) || session.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid session name '{session}': use lowercase letters, digits, '.', '_' and '-'.", nameof(session));
        }

        return Path.Combine(Folder, session + ".json");
    }
}
