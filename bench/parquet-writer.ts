// Throughput and peak memory of the streaming spikes.parquet writer.
//   node --import tsx bench/parquet-writer.ts [rows ...]     (default: 5000000 20000000)
// Each size runs in a fresh process so its peak RSS (getrusage maxrss: the whole process, the sink
// thread and its DuckDB included) is its own. Prints one JSON line per size.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSpikeWriter } from '../engine/index.js';

const WINDOW_ROWS = 10_000; // per population per window
const POPULATIONS = ['exc', 'inh'];
const STEPS_PER_WINDOW = 1_000;
const NEURONS = 4_000;

async function measure(rows: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'spikesweep-bench-'));
  try {
    const started = performance.now();
    const writer = await openSpikeWriter(join(dir, 'spikes.parquet'), { runId: 'bench', dt: 0.1 });
    for (let window = 0, written = 0; written < rows; window++) {
      for (const population of POPULATIONS) {
        const n = Math.min(WINDOW_ROWS, rows - written);
        if (n === 0) break;
        const neurons = new Int32Array(n);
        const steps = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          // 10 spikes per step, spread over the population, sorted by step then neuron
          steps[i] = window * STEPS_PER_WINDOW + Math.floor(i / 10);
          neurons[i] = (i % 10) * (NEURONS / 10) + ((window * 7 + Math.floor(i / 10)) % (NEURONS / 10));
        }
        await writer.write({ population, neurons, steps });
        written += n;
      }
    }
    const { bytes } = await writer.close();
    const seconds = (performance.now() - started) / 1000;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const round = (x: number, digits: number) => Number(x.toFixed(digits));
    console.log(JSON.stringify({ rows, seconds: round(seconds, 3), rowsPerSecond: Math.round(rows / seconds), peakRssMiB: round(peakRssMiB, 1), fileBytes: bytes }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [flag, value] = process.argv.slice(2);
if (flag === '--child') {
  await measure(Number(value));
} else {
  const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [5_000_000, 20_000_000];
  for (const rows of sizes) {
    const child = [...process.execArgv, fileURLToPath(import.meta.url), '--child', String(rows)];
    const run = spawnSync(process.execPath, child, { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
