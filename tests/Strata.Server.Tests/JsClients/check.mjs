// Shared by the client scripts: each check runs in turn, its failure is recorded, and the process exits 1 if any failed,
// so the .NET test shows every failing call of a client at once. The server's address and models come as arguments.
export const [base, chatModel, embeddingModel] = process.argv.slice(2);
if (!base || !chatModel || !embeddingModel) {
  console.error("usage: node SCRIPT.mjs BASE_URL CHAT_MODEL EMBEDDING_MODEL");
  process.exit(2);
}

const failures = [];

/** Runs one named check; a thrown error or a failed expectation fails it. */
export async function check(name, body) {
  try {
    await body();
    console.log(`ok ${name}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name}: ${String(error?.stack ?? error).slice(0, 800)}`);
  }
}

/** Throws with the message and the value when the condition does not hold. */
export function expect(condition, message, value) {
  if (!condition) {
    throw new Error(`${message}${value === undefined ? "" : `: ${JSON.stringify(value)?.slice(0, 400)}`}`);
  }
}

/** A vector of the embedding model's width with finite components. */
export function expectVector(vector, what) {
  expect(Array.isArray(vector) || ArrayBuffer.isView(vector), `${what} is not an array`, vector);
  expect(vector.length === 384, `${what} has ${vector.length} components, not 384`);
  expect(Array.from(vector).every(Number.isFinite), `${what} has a component that is not a finite number`);
}

/** Exits 1 when any check failed. */
export function finish() {
  if (failures.length > 0) {
    console.log(`${failures.length} check(s) failed: ${failures.join(", ")}`);
    process.exit(1);
  }
}
