// Sweep and workflow ids derive from the sweep's name and spec hash: submitting an identical sweep
// again finds the first one instead of starting a duplicate.
export function sweepIdOf(name: string, specHash: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'sweep';
  return `${slug}-${specHash.slice(0, 12)}`;
}

export const workflowIdOf = (sweepId: string) => `sweep-${sweepId}`;

/** Accepts a sweep id or a workflow id. */
export const sweepIdFromArgument = (arg: string) => arg.replace(/^sweep-/, '');
