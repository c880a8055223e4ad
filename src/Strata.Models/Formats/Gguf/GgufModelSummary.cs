namespace Strata.Models.Formats.Gguf;

/// <summary>The facts about a GGUF model worth showing to a user; a null means the file does not say.</summary>
/// <param name="Architecture">From <c>general.architecture</c>, for example "llama".</param>
/// <param name="Name">From <c>general.name</c>.</param>
/// <param name="ParameterCount">The sum of the element counts of all tensors.</param>
/// <param name="ContextLength">From <c>{architecture}.context_length</c>.</param>
/// <param name="EmbeddingLength">From <c>{architecture}.embedding_length</c>.</param>
/// <param name="BlockCount">From <c>{architecture}.block_count</c>.</param>
/// <param name="HeadCount">From <c>{architecture}.attention.head_count</c> (the largest entry when it is given per layer).</param>
/// <param name="Quantization">llama.cpp's name for <c>general.file_type</c>, else the tensor type holding the most bytes.</param>
/// <param name="TokenizerModel">From <c>tokenizer.ggml.model</c>, for example "llama" or "gpt2".</param>
/// <param name="VocabularySize">The length of <c>tokenizer.ggml.tokens</c>.</param>
/// <param name="HasChatTemplate">Whether <c>tokenizer.chat_template</c> is present.</param>
public sealed record GgufModelSummary(
    string? Architecture,
    string? Name,
    long ParameterCount,
    long? ContextLength,
    long? EmbeddingLength,
    long? BlockCount,
    long? HeadCount,
    string? Quantization,
    string? TokenizerModel,
    int? VocabularySize,
    bool HasChatTemplate);
