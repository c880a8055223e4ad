// OpenAI's JS SDK against strata serve: chat (plain, streamed, tools, json_schema, zod), Responses, Completions,
// embeddings, models and errors, as its users call them.
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { base, chatModel, embeddingModel, check, expect, expectVector, finish } from "./check.mjs";

const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0 });
const user = (content) => [{ role: "user", content }];
const weather = {
  type: "function",
  function: { name: "get_weather", description: "The weather in a city", parameters: { type: "object", properties: { city: { type: "string", maxLength: 12 } }, required: ["city"] } },
};

await check("chat", async () => {
  const answer = await client.chat.completions.create({ model: chatModel, messages: user("hi"), max_tokens: 8, seed: 1 });
  expect(answer.choices[0].message.role === "assistant", "role", answer.choices[0].message);
  expect(typeof answer.choices[0].message.content === "string", "content", answer.choices[0].message);
  expect(answer.usage.prompt_tokens > 0 && answer.usage.completion_tokens > 0, "usage", answer.usage);
});

await check("chat streamed with usage", async () => {
  const stream = await client.chat.completions.create({ model: chatModel, messages: user("hi"), max_tokens: 8, stream: true, stream_options: { include_usage: true } });
  let text = "";
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    usage = chunk.usage ?? usage;
  }
  expect(text.length > 0, "no text streamed");
  expect(usage?.completion_tokens > 0, "no usage chunk", usage);
});

await check("chat with a forced tool", async () => {
  const answer = await client.chat.completions.create({ model: chatModel, messages: user("weather in Paris?"), max_tokens: 120, tools: [weather], tool_choice: { type: "function", function: { name: "get_weather" } } });
  const choice = answer.choices[0];
  expect(choice.finish_reason === "tool_calls", "finish_reason", choice);
  const call = choice.message.tool_calls[0];
  expect(call.function.name === "get_weather", "tool name", call);
  expect(typeof JSON.parse(call.function.arguments).city === "string", "arguments", call.function.arguments);
});

await check("chat with a json_schema", async () => {
  const answer = await client.chat.completions.create({
    model: chatModel, messages: user("a number"), max_tokens: 120,
    response_format: { type: "json_schema", json_schema: { name: "n", strict: true, schema: { type: "object", properties: { a: { type: "integer" } }, required: ["a"], additionalProperties: false } } },
  });
  expect(answer.choices[0].finish_reason === "stop", "finish_reason", answer.choices[0]);
  expect(Number.isInteger(JSON.parse(answer.choices[0].message.content).a), "content", answer.choices[0].message.content);
});

await check("chat parsed with zod", async () => {
  const answer = await client.chat.completions.parse({ model: chatModel, messages: user("x"), max_tokens: 120, response_format: zodResponseFormat(z.object({ ok: z.boolean(), tag: z.enum(["a", "b"]) }), "o") });
  const parsed = answer.choices[0].message.parsed;
  expect(typeof parsed.ok === "boolean" && ["a", "b"].includes(parsed.tag), "parsed", parsed);
});

await check("chat aborted mid-stream", async () => {
  const controller = new AbortController();
  const stream = await client.chat.completions.create({ model: chatModel, messages: user("hi"), max_tokens: 400, stream: true }, { signal: controller.signal });
  let chunks = 0;
  try {
    for await (const _ of stream) {
      if (++chunks === 2) controller.abort();
    }
  } catch (error) {
    expect(error.name === "APIUserAbortError" || error.name === "AbortError", "abort error", error.name);
  }
  expect(chunks >= 2, "chunks before the abort", chunks);
});

await check("responses", async () => {
  const first = await client.responses.create({ model: chatModel, input: "hi", instructions: "be brief", max_output_tokens: 16 });
  expect(typeof first.output_text === "string" && first.output_text.length > 0, "output_text", first);
  expect(first.usage.output_tokens > 0, "usage", first.usage);
  const second = await client.responses.create({ model: chatModel, input: "and then?", previous_response_id: first.id, max_output_tokens: 16 });
  expect(second.previous_response_id === first.id, "previous_response_id", second.previous_response_id);
  await client.responses.delete(first.id);
  const gone = await client.responses.retrieve(first.id).then(() => 200, (error) => error.status);
  expect(gone === 404, "a deleted response is still there", gone);
});

await check("responses streamed", async () => {
  const types = new Set();
  let text = "";
  for await (const event of await client.responses.create({ model: chatModel, input: "hi", max_output_tokens: 16, stream: true })) {
    types.add(event.type);
    if (event.type === "response.output_text.delta") text += event.delta;
  }
  for (const type of ["response.created", "response.output_text.delta", "response.completed"]) {
    expect(types.has(type) || (type === "response.completed" && types.has("response.incomplete")), `no ${type} event`, [...types]);
  }
  expect(text.length > 0, "no text");
});

await check("responses with a required function", async () => {
  const answer = await client.responses.create({
    model: chatModel, input: "weather?", max_output_tokens: 120, tool_choice: "required",
    tools: [{ type: "function", name: "get_weather", parameters: weather.function.parameters, strict: false }],
  });
  const call = answer.output.find((item) => item.type === "function_call");
  expect(call?.name === "get_weather", "function_call", answer.output);
  expect(typeof JSON.parse(call.arguments).city === "string", "arguments", call.arguments);
});

await check("completions with logprobs, and echoed", async () => {
  const scored = (await client.completions.create({ model: chatModel, prompt: "Once upon", max_tokens: 4, logprobs: 2 })).choices[0];
  expect(scored.logprobs.tokens.length > 0 && scored.logprobs.top_logprobs.length === scored.logprobs.tokens.length, "logprobs", scored.logprobs);
  const echoed = (await client.completions.create({ model: chatModel, prompt: ["Once upon", "A time"], max_tokens: 4, echo: true })).choices;
  expect(echoed.length === 2 && echoed[0].text.startsWith("Once upon") && echoed[1].text.startsWith("A time"), "echo", echoed);
});

await check("embeddings", async () => {
  const many = await client.embeddings.create({ model: embeddingModel, input: ["a cat", "a dog"] });
  expect(many.data.length === 2, "count", many.data.length);
  many.data.forEach((item, i) => expectVector(item.embedding, `embedding ${i}`));
  const floats = await client.embeddings.create({ model: embeddingModel, input: "a cat", encoding_format: "float" });
  expectVector(floats.data[0].embedding, "float embedding");
});

await check("models", async () => {
  const ids = (await client.models.list()).data.map((model) => model.id);
  expect(ids.includes(chatModel) && ids.includes(embeddingModel), "listed", ids);
  expect((await client.models.retrieve(chatModel)).id === chatModel, "retrieve");
});

await check("an unknown model is a NotFoundError", async () => {
  const error = await client.chat.completions.create({ model: "no-such-model", messages: user("x") }).then(() => null, (e) => e);
  expect(error instanceof OpenAI.NotFoundError, "error", String(error));
});

finish();
