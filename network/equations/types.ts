// Inputs (ANNarchy-style descriptions) and outputs (validated models) of the equation stage.
import type { Expr, Span, Statement } from './ast.js';

export type Method = 'explicit' | 'exponential' | 'midpoint' | 'rk4' | 'exact';
export const METHODS: readonly Method[] = ['explicit', 'exponential', 'midpoint', 'rk4', 'exact'];

export interface NeuronDescription {
  name?: string;
  parameters?: string;
  equations?: string;
  spike?: string;
  reset?: string;
  refractory?: number | string;
  functions?: string;
  method?: Method;
}

export interface SynapseDescription {
  name?: string;
  parameters?: string;
  equations?: string;
  preSpike?: string;
  postSpike?: string;
  psp?: string;
  functions?: string;
  method?: Method;
}

export interface ParseOptions {
  /** Network-level constants that equations may name. */
  constants: readonly string[];
}

export type ValueType = 'float' | 'int' | 'bool';

export interface ModelParameter {
  name: string;
  value: number;
  /** One value per population (neuron, `population`) or projection (synapse, `projection`). */
  shared: boolean;
  type: ValueType;
}

export interface ModelVariable {
  name: string;
  ode: boolean;
  /** For ODEs the normalised right-hand side dx/dt; otherwise the assigned expression. */
  rhs: Expr;
  init: number;
  min?: Expr;
  max?: Expr;
  method: Method;
  eventDriven: boolean;
  shared: boolean;
  type: ValueType;
  /** Where the variable is declared, for errors raised by later stages. */
  span: Span;
}

export interface NeuronModel {
  name: string;
  parameters: ModelParameter[];
  /** Declaration order, which fixes evaluation order (see integrate.ts). */
  variables: ModelVariable[];
  spike?: Expr;
  reset: Statement[];
  refractory?: Expr;
  /** Every g_* name declared or used (targets the neuron can receive). */
  conductances: string[];
  /** Targets named in sum(). */
  sums: string[];
  usesRandom: boolean;
}

export interface SynapseModel {
  name: string;
  /** Includes the weight `w` (value 0, per synapse) when the description does not declare it. */
  parameters: ModelParameter[];
  variables: ModelVariable[];
  preSpike: Statement[];
  postSpike: Statement[];
  psp?: Expr;
  /** Names read or written as pre.x / post.x, to check against the neuron models later. */
  preRefs: string[];
  postRefs: string[];
  usesRandom: boolean;
}
