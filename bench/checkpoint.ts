// Benchmark of checkpoints (issue 3): size and write/restore time for CUBA at 256k neurons with
// fixed in-degree 80, against the time to simulate 100 ms of the same network (the target is a
// checkpoint that costs less than those 100 ms). Writes bench/results/checkpoint.json.
// Run: npm run bench:checkpoint      (SPIKESWEEP_BENCH_NEURONS=32000 for a quick run)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describeBenchMachine } from './machine.js';
import { join } from 'node:path';
import { cubaNetwork } from '../examples/cuba.js';
import { Network } from '../network/index.js';

const neurons = Number(process.env.SPIKESWEEP_BENCH_NEURONS ?? 256_000);
const dir = mkdtempSync(join(tmpdir(), 'spikesweep-ckpt-bench-'));
const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
};
try {
  const net = cubaNetwork({ seed: 1234, neurons });
  await net.compile();
  await net.simulate(100);
  const [, simulate100Ms] = await time(() => net.simulate(100));
  const path = join(dir, 'bench.ckpt');
  const [{ bytes }, writeMs] = await time(() => net.checkpoint(path));
  net.destroy();
  const [restored, restoreMs] = await time(() => Network.restore(path));
  const [, applyMs] = await time(() => restored.restoreCheckpoint(path));
  restored.destroy();
  const report = {
    machine: await describeBenchMachine(),
    network: `CUBA, ${neurons} neurons, fixed in-degree 80`,
    checkpointBytes: bytes,
    writeMs,
    simulate100Ms,
    writeVsSimulate100: writeMs / simulate100Ms,
    restoreMs, // Network.restore: read + verify, compile (cache hit), rebuild connectivity, apply state
    applyIntoRunningMs: applyMs, // restoreCheckpoint into an already built network: read + verify + apply
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/checkpoint.json', JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
