// Public API of the equation language: parse → validated model → integration plan → C++ text.
export type { AssignOp, BinaryOp, Expr, Span, Statement, UnaryOp } from './ast.js';
export { MATH_ARITY, RESERVED, type MathFunction } from './builtins.js';
export { emitConditionCpp, emitCpp, emitStatementCpp, emitStepCpp, cppLiteral, type CppContext, type Precision } from './emit-cpp.js';
export { EquationErrors, formatIssue, type EquationIssue, type ModelKind } from './errors.js';
export { evaluate, type EvalEnv } from './evaluate.js';
export { eventDrivenDecay, integrate, type ModelOrigin, type UpdatePlan, type UpdateStep } from './integrate.js';
export { linearCoefficients, type LinearForm } from './linear.js';
export { parseNeuron } from './neuron.js';
export { parseSynapse } from './synapse.js';
export { METHODS } from './types.js';
export type {
  Method, ModelParameter, ModelVariable, NeuronDescription, NeuronModel, ParseOptions,
  SynapseDescription, SynapseModel, ValueType,
} from './types.js';
