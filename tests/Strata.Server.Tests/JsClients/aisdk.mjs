// The Vercel AI SDK's OpenAI-compatible provider against strata serve: text, streams, structured objects, tools, embeddings.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { embed, embedMany, generateObject, generateText, streamText, tool } from "ai";
import { z } from "zod";
import { base, chatModel, embeddingModel, check, expect, expectVector, finish } from "./check.mjs";

// supportsStructuredOutputs: the provider sends the schema with json_schema (without it, json_object alone).
const provider = createOpenAICompatible({ name: "strata", baseURL: `${base}/v1`, apiKey: "unused", supportsStructuredOutputs: true, includeUsage: true });

await check("generateText", async () => {
  const result = await generateText({ model: provider(chatModel), prompt: "hi", maxOutputTokens: 8, maxRetries: 0 });
  expect(typeof result.text === "string" && result.usage.outputTokens > 0, "result", { text: result.text, usage: result.usage });
});

await check("streamText", async () => {
  const result = streamText({ model: provider(chatModel), prompt: "hi", maxOutputTokens: 8, maxRetries: 0 });
  let text = "";
  for await (const part of result.textStream) text += part;
  expect(text.length > 0, "no text");
  expect((await result.usage).outputTokens > 0, "usage", await result.usage);
});

await check("generateObject", async () => {
  const result = await generateObject({ model: provider(chatModel), schema: z.object({ ok: z.boolean(), n: z.number().int() }), prompt: "x", maxOutputTokens: 120, maxRetries: 0 });
  expect(typeof result.object.ok === "boolean" && Number.isInteger(result.object.n), "object", result.object);
});

await check("a required tool", async () => {
  const result = await generateText({
    model: provider(chatModel), prompt: "weather?", maxOutputTokens: 120, maxRetries: 0, toolChoice: "required",
    tools: { get_weather: tool({ description: "The weather", inputSchema: z.object({ city: z.string().max(12) }) }) },
  });
  expect(result.toolCalls[0]?.toolName === "get_weather" && typeof result.toolCalls[0].input.city === "string", "toolCalls", result.toolCalls);
});

await check("embed and embedMany", async () => {
  const model = provider.textEmbeddingModel(embeddingModel);
  expectVector((await embed({ model, value: "a cat", maxRetries: 0 })).embedding, "embedding");
  const many = await embedMany({ model, values: ["a cat", "a dog", "a bird"], maxRetries: 0 });
  expect(many.embeddings.length === 3, "count", many.embeddings.length);
});

finish();
