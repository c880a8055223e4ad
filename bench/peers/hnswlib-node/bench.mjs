// hnswlib (through hnswlib-node) as a peer in Strata's vector benchmark.
//
// Usage: node --expose-gc bench.mjs DATA_FILE M EF_CONSTRUCTION K
// DATA_FILE (little-endian): "SVEC", int32 vector count, int32 query count, int32 dimension,
// then the vectors and then the queries as float32 rows. A vector's label is its row number.
//
// Builds a cosine index with one thread and prints one JSON line: {"event":"built","build_seconds","memory_bytes",...}.
// Then answers one JSON line per command read from stdin, until stdin closes:
//   search EF   every query at search width EF, one at a time: {"event":"searched","ef","seconds","ids":[[...],...]}
//   save PATH   writes the index to PATH: {"event":"saved","bytes"}
//   build       builds another index of the same vectors, timed and then dropped (the first stays the one searched):
//               {"event":"rebuilt","build_seconds"}
//   threads EF N R PATH   every query R times at width EF on N worker threads at once, each with its own copy of the
//               index saved at PATH (hnswlib-node searches on the calling thread) and its share of the queries:
//               {"event":"threaded","ef","threads","repeat","seconds"}; the clock starts once every worker has loaded its copy.
// Only the build and the searches are timed: loading the file and starting node are not.
import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

function fail(message) {
  process.stderr.write(`hnswlib peer: ${message}\n`);
  process.exit(1);
}

function positiveInteger(text, name) {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    fail(`${name} must be a positive integer, got '${text}'`);
  }
  return value;
}

function readVectors(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    fail(`cannot read ${path}: ${error.message}`);
  }
  if (bytes.length < 16 || bytes.toString('latin1', 0, 4) !== 'SVEC') {
    fail(`${path} is not a vector file (it must start with "SVEC")`);
  }
  const count = bytes.readInt32LE(4);
  const queries = bytes.readInt32LE(8);
  const dimension = bytes.readInt32LE(12);
  if (count <= 0 || queries < 0 || dimension <= 0 || bytes.length !== 16 + (count + queries) * dimension * 4) {
    fail(`${path} holds ${bytes.length} bytes, which does not match ${count} vectors and ${queries} queries of dimension ${dimension}`);
  }
  // hnswlib-node takes plain arrays only; converting up front keeps the conversion out of the timings.
  const rows = new Array(count + queries);
  for (let i = 0; i < rows.length; i++) {
    const row = new Array(dimension);
    for (let j = 0; j < dimension; j++) {
      row[j] = bytes.readFloatLE(16 + (i * dimension + j) * 4);
    }
    rows[i] = row;
  }
  return { dimension, vectors: rows.slice(0, count), queries: rows.slice(count) };
}

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function write(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

// A worker: loads its copy of the index, says so, searches its queries when told to go, and says when it is done.
if (!isMainThread) {
  const { path, dimension, ef, k, queries, repeat } = workerData;
  const own = new HierarchicalNSW('cosine', dimension);
  own.readIndexSync(path);
  own.setEf(ef);
  parentPort.on('message', () => {
    for (let r = 0; r < repeat; r++) {
      for (const query of queries) {
        own.searchKnn(query, k);
      }
    }
    parentPort.postMessage('done');
  });
  parentPort.postMessage('loaded');
} else {
  await main();
}

// Runs every query on `threads` workers at once (query q on worker q mod threads); seconds from go to the last done.
async function searchOnThreads(path, dimension, queries, ef, k, threads, repeat) {
  const workers = [];
  for (let t = 0; t < threads; t++) {
    const share = queries.filter((_, q) => q % threads === t);
    workers.push(new Worker(new URL(import.meta.url), { workerData: { path, dimension, ef, k, queries: share, repeat } }));
  }
  const next = (worker) => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await Promise.all(workers.map(next));
  const start = process.hrtime.bigint();
  const done = workers.map(next);
  workers.forEach((worker) => worker.postMessage('go'));
  await Promise.all(done);
  const elapsed = seconds(start);
  await Promise.all(workers.map((worker) => worker.terminate()));
  return elapsed;
}

async function main() {
  const [file, mText, efConstructionText, kText] = process.argv.slice(2);
  if (kText === undefined) {
    fail('usage: node --expose-gc bench.mjs DATA_FILE M EF_CONSTRUCTION K');
  }
  const m = positiveInteger(mText, 'M');
  const efConstruction = positiveInteger(efConstructionText, 'EF_CONSTRUCTION');
  const k = positiveInteger(kText, 'K');
  const { dimension, vectors, queries } = readVectors(file);

  // Run with --expose-gc: collecting the file's buffer and the JavaScript garbage first keeps them out of the index's memory.
  // A buffer's memory is released by a callback after the collection, hence the second collection one turn later.
  async function residentBytes() {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc?.();
    return process.memoryUsage().rss;
  }

  // One thread, the vectors added one by one: what the build time measures.
  function build(index) {
    index.initIndex(vectors.length, m, efConstruction, 100);
    for (let i = 0; i < vectors.length; i++) {
      index.addPoint(vectors[i], i);
    }
  }

  const index = new HierarchicalNSW('cosine', dimension);
  const rssBefore = await residentBytes();
  const buildStart = process.hrtime.bigint();
  build(index);
  const buildSeconds = seconds(buildStart);
  write({
    event: 'built',
    count: vectors.length,
    queries: queries.length,
    dimension,
    build_seconds: buildSeconds,
    // The index lives in native memory, so the process's resident growth over the build is its size (approximately).
    memory_bytes: (await residentBytes()) - rssBefore,
  });

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const text = line.trim();
    const space = text.indexOf(' ');
    const command = space < 0 ? text : text.slice(0, space);
    const argument = space < 0 ? '' : text.slice(space + 1).trim();
    if (command === 'search') {
      const ef = positiveInteger(argument, 'EF');
      index.setEf(ef);
      const ids = new Array(queries.length);
      const start = process.hrtime.bigint();
      for (let q = 0; q < queries.length; q++) {
        ids[q] = index.searchKnn(queries[q], k).neighbors;
      }
      write({ event: 'searched', ef, seconds: seconds(start), ids });
    } else if (command === 'save' && argument) {
      index.writeIndexSync(argument);
      write({ event: 'saved', bytes: statSync(argument).size });
    } else if (command === 'build') {
      const start = process.hrtime.bigint();
      build(new HierarchicalNSW('cosine', dimension));
      write({ event: 'rebuilt', build_seconds: seconds(start) });
    } else if (command === 'threads') {
      const [efText, threadsText, repeatText, ...pathParts] = argument.split(' ');
      const ef = positiveInteger(efText, 'EF');
      const threads = positiveInteger(threadsText, 'N');
      const repeat = positiveInteger(repeatText, 'R');
      const path = pathParts.join(' ');
      index.writeIndexSync(path);
      const elapsed = await searchOnThreads(path, dimension, queries, ef, k, threads, repeat);
      write({ event: 'threaded', ef, threads, repeat, seconds: elapsed });
    } else if (command !== '') {
      fail(`unknown command '${text}' (expected 'search EF', 'save PATH', 'build' or 'threads EF N R PATH')`);
    }
  }
}
