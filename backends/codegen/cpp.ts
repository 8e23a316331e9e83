// Small helpers for the C++ the generator writes: member names and string literals. Names come
// only from validated identifiers (letters, digits, _), prefixed so they never clash with C++.
import type { PopulationIR, ProjectionIR } from '../../network/ir/ir.js';

export const popMember = (pop: PopulationIR, name: string) => `p${pop.index}_${name}`;
export const projMember = (proj: ProjectionIR, name: string) => `j${proj.index}_${name}`;
export const constMember = (name: string) => `c_${name}`;

// Array names as the user sees them ("exc.v"), quoted for C++. Names are validated identifiers.
export const quote = (s: string) => JSON.stringify(s);

export function indent(lines: string[], depth: number): string[] {
  const pad = '  '.repeat(depth);
  return lines.map((l) => (l ? pad + l : l));
}
