// A sweep's network spec travels as a file in its output folder, its hash in the inputs: a
// 2-run sweep over a network with 300,000 listed synapses (a ~3.7 MB fromSparse spec, larger than
// Temporal takes in one payload) completes with the spike hashes of `spikesweep run`, and the
// history it costs per run is that of a small spec; a spec file changed after submission fails
// its runs with a sentence naming the file and the expected hash, and the worker goes on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import proto from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { closeRunners, createActivities } from '../activities/index.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import { networkSpecPath } from '../results/index.js';
import { SweepClient, type SweepHandle } from '../sweeps/index.js';
import { workflowIdOf } from '../sweeps/ids.js';
import { createWorker } from '../worker/index.js';
import { spikesweep } from './helpers/cli.js';
import { cliEnv, cubaSpec, readRuns, writeSmallNetwork, writeSweepFile } from './helpers/sweep.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const SYNAPSES = 300_000;
const DURATION_MS = 20;

let temporal: TestTemporal;
let dir: string;

before(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-network-file-'));
  temporal = await startTestTemporal();
});

after(async () => {
  closeRunners();
  await Runtime.instance().shutdown().catch(() => undefined);
  await temporal?.stop();
  if (dir && process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

/**
 * CUBA with 800 excitatory and 200 inhibitory neurons whose excitatory recurrent projection is
 * `SYNAPSES` listed synapses (each excitatory neuron to the next 375, weights 0.01–0.40); the other
 * projections are rules. Written as JSON into `dir`; returns its path and size.
 */
async function writeListedNetwork(): Promise<{ file: string; bytes: number }> {
  const cuba = await cubaSpec();
  const exc = 800;
  const spec: NetworkSpec = {
    ...cuba,
    name: 'listed',
    populations: cuba.populations.map((p) => ({ ...p, geometry: p.name === 'exc' ? exc : 200 })),
    projections: cuba.projections.map((p) => ({
      ...p,
      connector: p.name === 'exc_exc'
        ? {
          type: 'fromSparse',
          pre: Array.from({ length: SYNAPSES }, (_, k) => k % exc),
          post: Array.from({ length: SYNAPSES }, (_, k) => (k % exc + 1 + Math.floor(k / exc)) % exc),
          weights: Array.from({ length: SYNAPSES }, (_, k) => (1 + (k % 40)) / 100),
        }
        : { ...p.connector, probability: 0.02 } as typeof p.connector,
    })),
  };
  const text = JSON.stringify(spec);
  const file = join(dir, 'listed.json');
  await writeFile(file, text);
  return { file, bytes: Buffer.byteLength(text) };
}

/** Protobuf bytes of every history of a sweep: its workflow and its one batch (2 runs). */
async function historyBytes(sweepId: string): Promise<number> {
  const { client } = await temporal.client();
  let bytes = 0;
  for (const id of [workflowIdOf(sweepId), `${sweepId}/runs-0-2`]) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    bytes += proto.temporal.api.history.v1.History.encode(history).finish().byteLength;
  }
  return bytes;
}

async function sweepOver(name: string, network: string) {
  return writeSweepFile(dir, name, { name, network, duration: DURATION_MS, seeds: { policy: 'sequential', base: 0, count: 2 }, maxConcurrent: 2, output: join(dir, 'out') });
}

describe('the network spec as a file in the output folder', () => {
  test('a sweep over a 300k-synapse fromSparse network completes with the hashes of spikesweep run, at the history cost of a small spec; a changed spec file fails its runs and the worker goes on', { timeout: 900_000 }, async (t) => {
    const listed = await writeListedNetwork();
    assert.ok(listed.bytes > 3 * 1024 * 1024, `the listed spec is ${listed.bytes} bytes`);
    const small = await writeSmallNetwork(dir, 'spec-small');
    const tampered = await writeSmallNetwork(dir, 'spec-tampered');
    const files = { big: await sweepOver('spec-big', listed.file), small: await sweepOver('spec-sml', small), tampered: await sweepOver('spec-tam', tampered) };

    const client = await SweepClient.connect({ env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default' } });
    const connection = await NativeConnection.connect({ address: temporal.address });
    try {
      // Submitted with no worker polling: the spec file can be changed before any run reads it.
      const tamperedSweep = await client.submit(files.tampered);
      const stored = await readdir(join(await tamperedSweep.output(), 'network'));
      assert.equal(stored.length, 1, 'one spec file, named by its hash');
      const expected = stored[0].replace(/\.json$/, '');
      const storedPath = networkSpecPath(await tamperedSweep.output(), expected);
      const original = readFileSync(storedPath, 'utf8');
      assert.equal((JSON.parse(original) as NetworkSpec).name, 'spec-tampered');
      await appendFile(storedPath, ' ');

      const worker = await createWorker({ connection, namespace: 'default', queue: 'cpu', concurrency: 2, threads: 1, activities: createActivities });
      await worker.runUntil(async () => {
        const failed = await tamperedSweep.result();
        assert.deepEqual([failed.status, failed.completed, failed.failed], ['completed', 0, 2]);
        for (const run of await readRuns(await tamperedSweep.output())) {
          assert.equal(run.status, 'failed');
          assert.equal(run.attempts, 1, 'bad input: not retried');
          assert.match(run.error ?? '', new RegExp(`^the sweep's network spec ${storedPath.replaceAll('.', '\\.')} has SHA-256 [0-9a-f]{64}, expected ${expected}: the file was changed after the sweep was submitted$`));
        }

        // The same worker runs the next sweeps: the big spec, then the small one.
        const handles: Record<'big' | 'small', SweepHandle> = { big: await client.submit(files.big), small: await client.submit(files.small) };
        for (const [which, handle] of Object.entries(handles)) {
          const result = await handle.result();
          assert.deepEqual([result.status, result.completed, result.failed], ['completed', 2, 0], `${which} sweep`);
        }
        const runs = await readRuns(await handles.big.output());
        assert.deepEqual(runs.map((r) => r.seed), [1, 2], 'sequential seeds from base 0');
        for (const run of runs) {
          const single = await spikesweep(['run', listed.file, '--seed', String(run.seed), '--duration', String(DURATION_MS), '--out', join(dir, `single-${run.run}`), '--json'], cliEnv(temporal.address)).done;
          assert.equal(single.code, 0, single.stderr);
          assert.equal(run.spikes_sha256, (single.json as { spikesSha256: string }).spikesSha256, `run ${run.run}: the sweep's spike hash = spikesweep run's`);
        }

        const bytes = { big: await historyBytes(handles.big.sweepId), small: await historyBytes(handles.small.sweepId) };
        t.diagnostic(`history bytes (sweep + batch, 2 runs): ${listed.bytes}-byte spec ${bytes.big} (${bytes.big / 2} per run), small spec ${bytes.small} (${bytes.small / 2} per run)`);
        assert.ok(Math.abs(bytes.big - bytes.small) < 4096, `history bytes independent of the spec's size: ${bytes.big} vs ${bytes.small}`);
      });
    } finally {
      await client.close();
      await connection.close();
    }
  });
});
