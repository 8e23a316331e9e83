// YAML/JSON → NetworkSpec. Errors name the file, the field path and the line, so a user can go
// straight to the mistake.
import { readFileSync } from 'node:fs';
import type { ZodError } from 'zod';
import { SpecError, type SpecIssue } from './errors.js';
import { NetworkSpecSchema, type NetworkSpec, type NetworkSpecInput } from './schema.js';
import { checkNetworkSpec } from './check.js';
import { parseYamlText, type Locator } from './yaml.js';

export type { Locator } from './yaml.js';

export function parseNetworkSpecText(text: string, file: string): NetworkSpec {
  const { data: raw, locate } = parseYamlText(text, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SpecError(file, [{ path: [], message: 'expected a mapping with populations, projections, monitors …', line: 1, column: 1 }]);
  }
  return validateNetworkSpec(raw as NetworkSpecInput, file, locate);
}

export function loadNetworkSpec(path: string): NetworkSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(path, [{ path: [], message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  return parseNetworkSpecText(text, path);
}

// Schema validation then cross-checks (names, sizes, probabilities, delays, models).
export function validateNetworkSpec(input: NetworkSpecInput, file: string, locate: Locator = () => undefined): NetworkSpec {
  const parsed = NetworkSpecSchema.safeParse(input);
  const withLines = (issues: SpecIssue[]) => issues.map((i) => ({ ...locate(i.path, i.fieldLine), ...i }));
  if (!parsed.success) throw new SpecError(file, withLines(zodIssues(parsed.error)));
  const issues = checkNetworkSpec(parsed.data);
  if (issues.length > 0) throw new SpecError(file, withLines(issues));
  return parsed.data;
}

function zodIssues(error: ZodError): SpecIssue[] {
  return error.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: describeZodIssue(i),
  }));
}

// What the fields given in more than one form expect, where a value matched none of the forms.
const UNION_FIELDS: Record<string, string> = {
  geometry: 'expected a positive integer, or a list of them (a grid)',
  neuron: 'expected a neuron model name (a built-in such as LIF_CUBA, or one under neurons) or a neuron description',
  synapse: 'expected a synapse model name (static, STDP, or one under synapses) or a synapse description',
  refractory: 'expected a number of ms ≥ 0, or an expression',
};

function describeZodIssue(issue: ZodError['issues'][number]): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_union') {
    // The most specific message a branch gave (e.g. a malformed "Normal(…)"), else what fits here.
    const custom = issue.errors.flat().find((i) => i.code === 'custom');
    if (custom) return custom.message;
    if ('discriminator' in issue) return `unknown type — ${issue.message}`;
    const field = issue.path.at(-1);
    return (typeof field === 'string' && Object.hasOwn(UNION_FIELDS, field) ? UNION_FIELDS[field] : undefined)
      ?? 'expected a number, a list of numbers, or a distribution such as Uniform(-60, -50) / Normal(0, 1)';
  }
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  return issue.message;
}
