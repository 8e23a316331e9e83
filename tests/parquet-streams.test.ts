// More Parquet files open at once than a process can stream: each streaming file holds a thread of
// libuv's pool until it ends, so a batch of many copies (each with its spike and state writers,
// checkpointing mid-run) once held the whole pool, and the next file-system call waited forever.
// Past the process's streaming slots a file is written whole when it closes. Every copy's files
// are complete — read back with DuckDB — and every copy gives the spikes of its run alone.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { runBatch, runNetwork } from '../engine/index.js';
import { loadNetworkSpec } from '../network/spec/load.js';
import { MonitorSchema, type NetworkSpec } from '../network/spec/schema.js';
import { ROOT } from './helpers/cli.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-parquet-streams-')); });
after(() => rm(dir, { recursive: true, force: true }));

// A 200-neuron CUBA recording spikes and exc.v: two writers per copy, a part each per checkpoint.
function copySpec(b: number): NetworkSpec {
  const spec = loadNetworkSpec(join(ROOT, 'examples/cuba.yaml'));
  for (const p of spec.populations) p.geometry = p.name === 'exc' ? 160 : 40;
  for (const p of spec.projections) {
    p.connector.probability = 0.1;
    p.connector.weights = p.pre === 'exc' ? 1.62 + 0.1 * b : -9;
  }
  spec.monitors.push(MonitorSchema.parse({ target: 'exc', variables: ['v'], period: 1 }));
  return spec;
}

test('a batch of 6 copies with 2 writers each and checkpoints mid-run writes every file; each copy equals its run alone', { timeout: 120_000 }, async () => {
  const copies = Array.from({ length: 6 }, (_, b) => ({ spec: copySpec(b), seed: 20 + b, outDir: join(dir, 'batch', `copy-${b}`), runId: `copy-${b}` }));
  const shared = { durationMs: 100, checkpointEveryMs: 25, backend: 'openmp' as const, threads: 1 };
  const reports = await runBatch({ ...shared, copies });

  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const count = async (glob: string) => Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${glob}')`)).getRows()[0][0]);
  for (const [b, report] of reports.entries()) {
    const { outDir } = copies[b];
    const spikes = Object.values(report.populations).reduce((sum, p) => sum + p.spikes, 0);
    assert.ok(spikes > 0, `copy ${b} spiked`);
    assert.equal((await readdir(join(outDir, 'spikes'))).filter((f) => f.endsWith('.parquet')).length, 4, `copy ${b}: a spike part per checkpoint interval`);
    assert.equal(await count(join(outDir, 'spikes', '*.parquet')), spikes, `copy ${b}: every spike is in its parts`);
    assert.equal(await count(join(outDir, 'state', '*.parquet')), 100 * 160, `copy ${b}: every exc.v sample is in its parts`);
    const alone = await runNetwork({ ...shared, ...copies[b], outDir: join(dir, 'alone', `copy-${b}`) });
    assert.equal(report.spikesSha256, alone.spikesSha256, `copy ${b} gives the spikes of its run alone`);
  }
  con.closeSync();
});
