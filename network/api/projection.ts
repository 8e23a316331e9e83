// Projection: connects two populations through a synapse model. Its connector methods mirror
// ANNarchy's (connect_fixed_probability → fixedProbability, …) and return the projection.
import type { Distribution } from '../spec/distributions.js';
import type { ConnectorSpec, ProjectionSpec } from '../spec/schema.js';

export type Weights = number | Distribution;
export type Delays = number | Distribution;

export interface ProjectionOwner {
  readProjection(proj: Projection, name: string): number | Float64Array;
  writeProjection(proj: Projection, name: string, value: number | Float64Array | number[]): void;
  setLearning(proj: Projection, on: boolean): void;
  connectorChanged(proj: Projection): void;
}

export class Projection {
  constructor(
    readonly owner: ProjectionOwner,
    readonly spec: ProjectionSpec,
  ) {}

  get name(): string {
    return this.spec.name;
  }
  get pre(): string {
    return this.spec.pre;
  }
  get post(): string {
    return this.spec.post;
  }
  get target(): string {
    return this.spec.target;
  }

  private use(connector: ConnectorSpec): this {
    this.spec.connector = connector;
    this.owner.connectorChanged(this);
    return this;
  }

  allToAll(weights: Weights = 1, delays?: Delays, opts: { allowSelfConnections?: boolean } = {}): this {
    return this.use({ type: 'allToAll', weights, delays, allowSelfConnections: opts.allowSelfConnections ?? false });
  }
  oneToOne(weights: Weights = 1, delays?: Delays): this {
    return this.use({ type: 'oneToOne', weights, delays });
  }
  fixedProbability(probability: number, weights: Weights = 1, delays?: Delays, opts: { allowSelfConnections?: boolean } = {}): this {
    return this.use({ type: 'fixedProbability', probability, weights, delays, allowSelfConnections: opts.allowSelfConnections ?? false });
  }
  fixedNumberPre(number: number, weights: Weights = 1, delays?: Delays, opts: { allowSelfConnections?: boolean } = {}): this {
    return this.use({ type: 'fixedNumberPre', number, weights, delays, allowSelfConnections: opts.allowSelfConnections ?? false });
  }
  fixedNumberPost(number: number, weights: Weights = 1, delays?: Delays, opts: { allowSelfConnections?: boolean } = {}): this {
    return this.use({ type: 'fixedNumberPost', number, weights, delays, allowSelfConnections: opts.allowSelfConnections ?? false });
  }
  /** Explicit synapses: pre[k] → post[k] with weights[k] and delays[k] (or one value for all). */
  fromSparse(pre: number[], post: number[], weights: number | number[] = 1, delays?: number | number[]): this {
    return this.use({ type: 'fromSparse', pre, post, weights, delays });
  }

  /** One number (shared) or one value per synapse, in the projection's synapse order. */
  get(name: string): number | Float64Array {
    return this.owner.readProjection(this, name);
  }
  set(values: Record<string, number | Float64Array | number[]>): this {
    for (const [name, value] of Object.entries(values)) this.owner.writeProjection(this, name, value);
    return this;
  }
  enableLearning(): void {
    this.owner.setLearning(this, true);
  }
  disableLearning(): void {
    this.owner.setLearning(this, false);
  }
}
