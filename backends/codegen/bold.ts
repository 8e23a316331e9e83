// The input of a BOLD monitor's unit (network/ir/bold.ts): its runtime values (start step, and per
// source the scale and the baseline window in steps) copied into an array at create, the baseline
// sum and mean per source as state (checkpointed like any other), and input_p<N>(s), run on one
// thread after the step's psp and before the updates: each source's mean over its neurons in
// index order, normalised against its baseline when it has one, added to sum(target) in source order.
import type { NetworkIR, PopulationIR } from '../../network/ir/ir.js';
import { popMember, quote } from './cpp.js';

export interface BoldInputCode {
  members: string[];
  create: string[];
  method: string[];
}

/** ANNarchy's AccProjection arithmetic for one source; defined once per translation unit. */
export const BOLD_SOURCE_FUNCTION = [
  '// One recorded population\'s contribution: scale × mean, or after a baseline window of `window`',
  '// steps (nothing during it) scale × the mean\'s change relative to the window\'s mean.',
  'template <class real>',
  'inline real bold_source(real mean, real scale, int64_t since_start, int64_t window, real *baseline) {',
  '  if (window <= 0) return scale * mean;',
  '  if (since_start < window) { baseline[0] += mean; return real(0); }',
  '  if (since_start == window) baseline[1] = baseline[0] / real(window);',
  '  return scale * ((mean - baseline[1]) / (std::fabs(baseline[1]) + real(1e-7)));',
  '}',
];

export function emitBoldInput(pop: PopulationIR, ir: NetworkIR): BoldInputCode {
  const bold = pop.bold!;
  const sources = bold.inputs.flatMap((input) => input.sources.map((source) => ({ input, source })));
  const config = popMember(pop, '_bold_config');
  const baseline = popMember(pop, '_baseline');
  const values = 1 + 2 * sources.length;
  return {
    members: [`double *${config} = nullptr;`, `real *${baseline} = nullptr;`],
    create: [
      `S->${config} = S->store.add<double>(${quote(`${pop.name}._bold_config`)}, ${values}, 0);`,
      `std::copy(V + ${bold.slot}, V + ${bold.slot + values}, S->${config});`,
      `S->${baseline} = S->store.add<real>(${quote(`${pop.name}._baseline`)}, ${2 * sources.length}, SS_ARRAY_STATE);`,
    ],
    method: [
      `void input_p${pop.index}(int64_t s) {`,
      `  const int64_t since_start = s - int64_t(${config}[0]);`,
      '  if (since_start < 0) return;',
      ...sources.flatMap(({ input, source }, k) => {
        const from = ir.populations[source.population];
        return [
          '  {',
          '    real total = 0;',
          `    for (int64_t i = 0; i < ${source.length}; ++i) total += ${popMember(from, source.variable)}[i];`,
          `    ${popMember(pop, `sum_${input.target}`)}[0] += bold_source<real>(total / real(${source.length}), real(${config}[${1 + 2 * k}]), since_start, int64_t(${config}[${2 + 2 * k}]), ${baseline} + ${2 * k});`,
          '  }',
        ];
      }),
      '}',
    ],
  };
}
