// LangChain JS (ChatOpenAI, OpenAIEmbeddings) against strata serve: invoke, stream, structured output, bound tools, embeddings.
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { z } from "zod";
import { base, chatModel, embeddingModel, check, expect, expectVector, finish } from "./check.mjs";

const configuration = { baseURL: `${base}/v1` };
const chat = (maxTokens) => new ChatOpenAI({ model: chatModel, apiKey: "unused", configuration, maxTokens, maxRetries: 0 });

await check("invoke", async () => {
  const message = await chat(8).invoke("hi");
  expect(typeof message.content === "string", "content", message.content);
  expect(message.usage_metadata?.output_tokens > 0, "usage", message.usage_metadata);
});

await check("stream", async () => {
  let text = "";
  for await (const chunk of await chat(8).stream("hi")) text += chunk.content;
  expect(text.length > 0, "no text");
});

await check("structured output", async () => {
  const value = await chat(120).withStructuredOutput(z.object({ ok: z.boolean(), size: z.enum(["s", "m", "l"]) })).invoke("x");
  expect(typeof value.ok === "boolean" && ["s", "m", "l"].includes(value.size), "value", value);
});

await check("a bound tool, forced", async () => {
  const message = await chat(120)
    .bindTools([{ type: "function", function: { name: "get_weather", description: "The weather", parameters: { type: "object", properties: { city: { type: "string", maxLength: 12 } }, required: ["city"] } } }], { tool_choice: "get_weather" })
    .invoke("weather?");
  expect(message.tool_calls?.[0]?.name === "get_weather" && typeof message.tool_calls[0].args.city === "string", "tool_calls", message.tool_calls);
});

await check("embeddings", async () => {
  const embeddings = new OpenAIEmbeddings({ model: embeddingModel, apiKey: "unused", configuration, maxRetries: 0 });
  const vectors = await embeddings.embedDocuments(["a cat", "a dog"]);
  expect(vectors.length === 2, "count", vectors.length);
  vectors.forEach((vector, i) => expectVector(vector, `document ${i}`));
  expectVector(await embeddings.embedQuery("a pet"), "query");
});

finish();
