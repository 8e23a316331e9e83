// Population and PopulationView: named groups of neurons whose parameters and variables can be
// read and set by name — before compile (they become the spec's values) and after (written into
// the running simulation, no recompilation).
import type { Distribution } from '../spec/distributions.js';
import type { PopulationSpec } from '../spec/schema.js';

export type PopulationValue = number | number[] | Float64Array | Distribution;

/** What a population needs from the network that owns it. */
export interface PopulationOwner {
  attributesOf(pop: Population): string[];
  readPopulation(pop: Population, name: string): number | Float64Array;
  writePopulation(pop: Population, name: string, value: PopulationValue, indices: Int32Array | null): void;
}

export class Population {
  constructor(
    readonly owner: PopulationOwner,
    readonly spec: PopulationSpec,
    readonly size: number,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get geometry(): number | number[] {
    return this.spec.geometry;
  }

  /** Parameter and variable names of the neuron model. */
  get attributes(): string[] {
    return this.owner.attributesOf(this);
  }

  /** Current values: one number for shared (population-wide) attributes, else one per neuron. */
  get(name: string): number | Float64Array {
    return this.owner.readPopulation(this, name);
  }

  set(values: Record<string, PopulationValue>): this {
    for (const [name, value] of Object.entries(values)) this.owner.writePopulation(this, name, value, null);
    return this;
  }

  /** Neurons [begin, end) as a view. */
  slice(begin: number, end: number = this.size): PopulationView {
    if (!(Number.isInteger(begin) && Number.isInteger(end) && 0 <= begin && begin < end && end <= this.size))
      throw new RangeError(`population '${this.name}': slice(${begin}, ${end}) must satisfy 0 ≤ begin < end ≤ ${this.size}`);
    return new PopulationView(this, Int32Array.from({ length: end - begin }, (_, k) => begin + k));
  }

  /** An arbitrary subset of neurons (ranks) as a view. */
  view(indices: ArrayLike<number>): PopulationView {
    const given = Array.from(indices);
    if (given.length === 0) throw new RangeError(`population '${this.name}': a view needs at least one neuron`);
    // Checked before the conversion to Int32Array, which would truncate 1.5 to neuron 1.
    for (const r of given) if (!(Number.isInteger(r) && r >= 0 && r < this.size)) throw new RangeError(`population '${this.name}': neuron ${r} is not a neuron index in 0..${this.size - 1}`);
    return new PopulationView(this, Int32Array.from(given));
  }
}

export class PopulationView {
  constructor(
    readonly population: Population,
    readonly indices: Int32Array,
  ) {}

  get size(): number {
    return this.indices.length;
  }

  get(name: string): Float64Array {
    const all = this.population.get(name);
    return typeof all === 'number' ? new Float64Array(this.size).fill(all) : Float64Array.from(this.indices, (i) => all[i]);
  }

  set(values: Record<string, PopulationValue>): this {
    for (const [name, value] of Object.entries(values)) this.population.owner.writePopulation(this.population, name, value, this.indices);
    return this;
  }
}
