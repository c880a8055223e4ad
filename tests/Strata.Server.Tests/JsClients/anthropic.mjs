// Anthropic's JS SDK against strata serve's Messages API: plain, streamed, a forced tool, stop sequences, token counting, models.
import Anthropic from "@anthropic-ai/sdk";
import { base, chatModel, check, expect, finish } from "./check.mjs";

const client = new Anthropic({ baseURL: base, apiKey: "unused", maxRetries: 0 });
const user = (content) => [{ role: "user", content }];

await check("messages", async () => {
  const message = await client.messages.create({ model: chatModel, max_tokens: 8, messages: user("hi") });
  expect(message.type === "message" && message.role === "assistant", "message", message);
  expect(message.content[0].type === "text" && typeof message.content[0].text === "string", "content", message.content);
  expect(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, "usage", message.usage);
});

await check("messages streamed", async () => {
  const stream = client.messages.stream({ model: chatModel, max_tokens: 8, system: "be brief", messages: user("hi") });
  let text = "";
  stream.on("text", (delta) => { text += delta; });
  const final = await stream.finalMessage();
  expect(text.length > 0 && final.content[0].text === text, "text", { text, content: final.content });
  expect(final.usage.input_tokens > 0 && final.usage.output_tokens > 0, "usage", final.usage);
  expect(["end_turn", "max_tokens"].includes(final.stop_reason), "stop_reason", final.stop_reason);
});

await check("a forced tool", async () => {
  const message = await client.messages.create({
    model: chatModel, max_tokens: 120, messages: user("weather?"),
    tools: [{ name: "get_weather", description: "The weather", input_schema: { type: "object", properties: { city: { type: "string", maxLength: 12 } }, required: ["city"] } }],
    tool_choice: { type: "tool", name: "get_weather" },
  });
  expect(message.stop_reason === "tool_use", "stop_reason", message);
  const use = message.content.find((block) => block.type === "tool_use");
  expect(use?.name === "get_weather" && typeof use.input.city === "string", "tool_use", message.content);
  expect(message.content[0].type === "tool_use", "a forced call opens with its tool_use block", message.content);
});

await check("a tool with no parameters", async () => {
  const message = await client.messages.create({
    model: chatModel, max_tokens: 60, messages: user("now"),
    tools: [{ name: "now", input_schema: { type: "object", properties: {} } }], tool_choice: { type: "tool", name: "now" },
  });
  const use = message.content.find((block) => block.type === "tool_use");
  expect(use?.name === "now" && typeof use.input === "object", "tool_use", message.content);
});

await check("stop sequences", async () => {
  // Every stop sequence a tiny model's text may hit: one of them ends the answer, and the answer says which.
  const sequences = ["a", "e", "i", "o", "u", " "];
  const message = await client.messages.create({ model: chatModel, max_tokens: 200, messages: user("hi"), stop_sequences: sequences });
  if (message.stop_reason === "stop_sequence") {
    expect(sequences.includes(message.stop_sequence), "stop_sequence", message);
  } else {
    expect(message.stop_sequence === null, "stop_sequence without a stop", message);
  }
});

await check("count tokens", async () => {
  const counted = await client.messages.countTokens({ model: chatModel, messages: user("hello there") });
  expect(counted.input_tokens > 0, "input_tokens", counted);
});

await check("models", async () => {
  const ids = (await client.models.list()).data.map((model) => model.id);
  expect(ids.includes(chatModel), "listed", ids);
});

await check("an unknown model is a NotFoundError", async () => {
  const error = await client.messages.create({ model: "no-such-model", max_tokens: 4, messages: user("x") }).then(() => null, (e) => e);
  expect(error instanceof Anthropic.NotFoundError, "error", String(error));
});

finish();
