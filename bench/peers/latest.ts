// bench/results/latest.json: the peer comparison's medians, one report per CPU kind (cpuKind), so a
// run on one machine adds to or replaces its own kind's rows and leaves the other kinds' as they are.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Report } from './table.js';

export interface LatestResults {
  /** Per CPU kind, the report of the last run on that kind. */
  cpus: Record<string, Report>;
}

const reportShape = z.looseObject({ machine: z.looseObject({}), rows: z.array(z.looseObject({})), peers: z.looseObject({}), rates: z.array(z.looseObject({})) });
const latestShape = z.object({ cpus: z.record(z.string(), reportShape) });

/** The file's reports; a file not in this shape is an error naming it and what was expected. */
export function readLatest(file: string): LatestResults {
  if (!existsSync(file)) return { cpus: {} };
  const parsed = latestShape.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: expected { "cpus": { "<CPU kind>": { machine, rows, peers, rates, … } } }; at ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
  }
  return parsed.data as unknown as LatestResults;
}

/** Writes `report` as the results of CPU kind `kind`, keeping every other kind's. */
export function saveLatest(file: string, kind: string, report: Report): void {
  const latest = readLatest(file);
  latest.cpus[kind] = report;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(latest, null, 2) + '\n');
}
