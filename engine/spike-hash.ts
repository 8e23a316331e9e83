// The canonical spike hash: SHA-256 over every spike row ordered by step, then population name
// (UTF-8 byte order, as DuckDB and Arrow sort strings), then neuron id. Each row is encoded as
// UTF-8 population name, one 0 byte, int32 LE neuron, float64 LE t_ms (= step × dt). run_id is
// left out, so two runs with the same spikes hash alike. README.md shows how to recompute it.
import { createHash, type Hash } from 'node:crypto';

/** One population's spikes over the window, sorted by step then neuron. */
export interface SpikeWindowBatch {
  population: string;
  neurons: Int32Array;
  steps: Float64Array;
}

const BUFFER_BYTES = 1 << 16;

interface Cursor {
  name: Buffer;
  neurons: Int32Array;
  steps: Float64Array;
  next: number;
}

export class SpikeHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer = Buffer.alloc(BUFFER_BYTES);
  private used = 0;
  private lastStep = -Infinity;

  private readonly dt: number;

  /** `dt` is the run's time step: t_ms = step × dt, exactly as the spike writer computes it. */
  constructor({ dt }: { dt: number }) {
    if (!Number.isFinite(dt) || dt <= 0) throw new Error(`dt must be a positive number, got ${dt}`);
    this.dt = dt;
  }

  /** Adds one step window: every population's batch for the same step range, after all earlier windows. */
  update(window: SpikeWindowBatch[]): void {
    const cursors = window.map(checkBatch).sort((a, b) => Buffer.compare(a.name, b.name));
    cursors.forEach((c, i) => {
      if (i > 0 && c.name.equals(cursors[i - 1].name)) throw new Error(`population ${c.name} twice in one window`);
    });
    for (;;) {
      // The smallest step still pending; populations in name order emit their rows at that step.
      let step = Infinity;
      for (const c of cursors) if (c.next < c.steps.length && c.steps[c.next] < step) step = c.steps[c.next];
      if (step === Infinity) return;
      if (step <= this.lastStep) throw new Error(`window starts at step ${step}, not after step ${this.lastStep}`);
      for (const c of cursors) {
        while (c.next < c.steps.length && c.steps[c.next] === step) this.row(c.name, c.neurons[c.next++], step * this.dt);
      }
      this.lastStep = step;
    }
  }

  /** Hex SHA-256 of every row added; the hasher cannot be updated afterwards. */
  digest(): string {
    this.hash.update(this.buffer.subarray(0, this.used));
    return this.hash.digest('hex');
  }

  private row(name: Buffer, neuron: number, tMs: number): void {
    if (this.used + name.length + 13 > BUFFER_BYTES) {
      this.hash.update(this.buffer.subarray(0, this.used));
      this.used = 0;
    }
    this.used += name.copy(this.buffer, this.used);
    this.used = this.buffer.writeUInt8(0, this.used);
    this.used = this.buffer.writeInt32LE(neuron, this.used);
    this.used = this.buffer.writeDoubleLE(tMs, this.used);
  }
}

/** Refuses what would silently change the hash: names with a 0 byte, unsorted or ragged batches. */
function checkBatch({ population, neurons, steps }: SpikeWindowBatch): Cursor {
  if (population.includes('\0')) throw new Error(`population name ${JSON.stringify(population)} contains a 0 byte`);
  if (neurons.length !== steps.length) {
    throw new Error(`spike batch for ${population}: ${neurons.length} neurons but ${steps.length} steps`);
  }
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] < steps[i - 1] || (steps[i] === steps[i - 1] && neurons[i] <= neurons[i - 1])) {
      throw new Error(`spike batch for ${population} is not sorted by step then neuron at row ${i}`);
    }
  }
  return { name: Buffer.from(population, 'utf8'), neurons, steps, next: 0 };
}
