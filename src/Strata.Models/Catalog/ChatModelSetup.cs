namespace Strata.Models.Catalog;

/// <summary>
/// What to tell someone who has no chat model yet: where to get a small one, and how to make it the default. The
/// CLI (<c>strata chat</c>, <c>strata generate</c>) and the web UI's Chat page print <see cref="NoChatModel"/>, so
/// the two never give different advice.
/// </summary>
public static class ChatModelSetup
{
    /// <summary>
    /// A small instruct model that answers on any CPU: Qwen2.5 0.5B Instruct at 4 bits (about 400 MB), as one file
    /// of the repository, in the form <c>strata pull</c> accepts (<c>hf://OWNER/REPO/PATH</c>).
    /// </summary>
    public const string SuggestedReference = "hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf";

    /// <summary>The store name the suggested pull gives the model.</summary>
    public const string SuggestedName = "qwen2.5-0.5b-instruct";

    /// <summary>The command that pulls the suggested model.</summary>
    public const string PullCommand = "strata pull " + SuggestedReference + " --name " + SuggestedName;

    /// <summary>The command that imports a GGUF file already on disk.</summary>
    public const string ImportCommand = "strata models import FILE.gguf --name NAME";

    /// <summary>The setting naming the chat model used when none is given.</summary>
    public const string DefaultSetting = "Models:DefaultChat";

    /// <summary>The environment variable that sets <see cref="DefaultSetting"/> to the suggested model.</summary>
    public const string DefaultVariable = "STRATA__Models__DefaultChat=" + SuggestedName;

    /// <summary>One line: there is no chat model, how to get one, and how to make it the default.</summary>
    public const string NoChatModel =
        "No chat model yet. Get a small one with '" + PullCommand + "' (or import a GGUF you have with '" + ImportCommand + "'), " +
        "then make it the default: set " + DefaultSetting + " to its name in $STRATA_HOME/strata.json, or " + DefaultVariable + " in the environment.";
}
