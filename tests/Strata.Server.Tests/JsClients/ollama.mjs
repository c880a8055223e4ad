// Ollama's official JS client against strata serve's Ollama API: chat, generate, structured output, tools, embeddings
// and the model routes.
import { Ollama } from "ollama";
import { base, chatModel, embeddingModel, check, expect, expectVector, finish } from "./check.mjs";

const client = new Ollama({ host: base });
const user = (content) => [{ role: "user", content }];

await check("chat", async () => {
  const answer = await client.chat({ model: chatModel, messages: user("hi"), options: { num_predict: 8, seed: 3 } });
  expect(answer.message.role === "assistant" && typeof answer.message.content === "string", "message", answer.message);
  expect(answer.done === true && answer.eval_count > 0 && answer.prompt_eval_count > 0, "counts", answer);
});

await check("chat streamed", async () => {
  let text = "";
  let last;
  for await (const part of await client.chat({ model: chatModel, messages: user("hi"), stream: true, options: { num_predict: 8 } })) {
    text += part.message.content;
    last = part;
  }
  expect(text.length > 0, "no text");
  expect(last.done === true && ["stop", "length"].includes(last.done_reason), "last part", last);
});

await check("generate", async () => {
  const answer = await client.generate({ model: chatModel, prompt: "Once upon", options: { num_predict: 8 } });
  expect(typeof answer.response === "string" && answer.done === true, "answer", answer);
});

await check("chat with a format schema", async () => {
  const answer = await client.chat({
    model: chatModel, messages: user("a number"), options: { num_predict: 120 },
    format: { type: "object", properties: { a: { type: "integer" }, b: { type: "boolean" } }, required: ["a", "b"] },
  });
  const value = JSON.parse(answer.message.content);
  expect(Number.isInteger(value.a) && typeof value.b === "boolean", "content", answer.message.content);
});

await check("chat with tools", async () => {
  const answer = await client.chat({
    model: chatModel, messages: user("weather?"), options: { num_predict: 120 },
    tools: [{ type: "function", function: { name: "get_weather", description: "The weather", parameters: { type: "object", properties: { city: { type: "string", maxLength: 12 } }, required: ["city"] } } }],
  });
  // Not forced: the model may answer in text; a call it makes must be whole.
  for (const call of answer.message.tool_calls ?? []) {
    expect(call.function.name === "get_weather" && typeof call.function.arguments === "object", "tool call", call);
  }
});

await check("embed", async () => {
  const answer = await client.embed({ model: embeddingModel, input: ["a cat", "a dog"] });
  expect(answer.embeddings.length === 2, "count", answer.embeddings.length);
  answer.embeddings.forEach((vector, i) => expectVector(vector, `embedding ${i}`));
});

await check("list, show, ps and version", async () => {
  const names = (await client.list()).models.map((model) => model.name);
  expect(names.some((name) => name === chatModel || name.startsWith(`${chatModel}:`)), "list", names);
  const shown = await client.show({ model: chatModel });
  expect(shown.details?.format === "gguf", "show", shown.details);
  expect(Array.isArray((await client.ps()).models), "ps");
  expect(typeof (await client.version()).version === "string", "version");
});

await check("an unknown model is an error with status 404", async () => {
  const error = await client.chat({ model: "no-such-model", messages: user("x") }).then(() => null, (e) => e);
  expect(error?.status_code === 404, "error", String(error));
});

finish();
