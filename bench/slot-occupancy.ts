// Worker-slot occupancy of a sweep, read from the real histories of its batch workflows: every
// run-group activity's scheduled, started and closed times (the server's clock, one for all
// histories). Occupancy at a moment = activities started and not yet closed (the worker slots in
// use); in flight = scheduled and not yet closed (what maxConcurrent caps). Used by bench/sweep.ts
// (utilisation across batch boundaries) and tests/sweep-overlap.test.ts.
import type { Client } from '@temporalio/client';
import { BATCH_RUNS } from '../workflows/sweep.js';

export interface ActivitySpan {
  /** The batch workflow's id (`<sweepId>/runs-<from>-<to>`). */
  batch: string;
  scheduledMs: number;
  /** The last attempt's start (null: it never started, e.g. cancelled while scheduled). */
  startedMs: number | null;
  closedMs: number;
}

interface HistoryEvent {
  eventId?: unknown;
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskFailedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskCanceledEventAttributes?: { scheduledEventId?: unknown } | null;
}

const msOf = (t: HistoryEvent['eventTime']): number => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The ids of a sweep's batch workflows, in run order. */
export function batchIdsOf(sweepId: string, total: number): string[] {
  const ids: string[] = [];
  for (let from = 0; from < total; from += BATCH_RUNS) ids.push(`${sweepId}/runs-${from}-${Math.min(total, from + BATCH_RUNS)}`);
  return ids;
}

/** The run-group activities of every batch of a closed sweep, from their histories. */
export async function activitySpans(client: Client, sweepId: string, total: number): Promise<ActivitySpan[]> {
  const spans: ActivitySpan[] = [];
  for (const batch of batchIdsOf(sweepId, total)) {
    const history = await client.workflow.getHandle(batch).fetchHistory();
    const open = new Map<string, { scheduledMs: number; startedMs: number | null }>();
    for (const e of (history.events ?? []) as HistoryEvent[]) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'runGroup') {
        open.set(String(e.eventId), { scheduledMs: msOf(e.eventTime), startedMs: null });
        continue;
      }
      const started = e.activityTaskStartedEventAttributes?.scheduledEventId;
      if (started !== undefined && open.has(String(started))) open.get(String(started))!.startedMs = msOf(e.eventTime);
      const closedAttrs = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes
        ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      const key = closedAttrs ? String(closedAttrs.scheduledEventId) : null;
      const span = key === null ? undefined : open.get(key);
      if (span) {
        spans.push({ batch, ...span, closedMs: msOf(e.eventTime) });
        open.delete(key!);
      }
    }
  }
  return spans;
}

/** Occupancy as a step function: (time, count from then on), closes before opens at equal times. */
function steps(intervals: [number, number][]): { t: number; n: number }[] {
  const edges = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]] as [number, number][]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let n = 0;
  return edges.map(([t, d]) => ({ t, n: (n += d) }));
}

/** The most activities in flight (scheduled, not closed) at once, over all batches. */
export function maxInFlight(spans: ActivitySpan[]): number {
  return Math.max(0, ...steps(spans.map((s) => [s.scheduledMs, s.closedMs])).map((p) => p.n));
}

/** Minimum and mean occupancy over [from, to] (the count after all the steps of one instant). */
function window(points: { t: number; n: number }[], from: number, to: number): { min: number; mean: number } {
  let i = 0;
  let current = 0;
  while (i < points.length && points[i]!.t <= from) current = points[i++]!.n;
  let min = current;
  let area = 0;
  let t = from;
  for (; i < points.length && points[i]!.t < to; i++) {
    area += current * (points[i]!.t - t);
    t = points[i]!.t;
    current = points[i]!.n;
    if (points[i + 1]?.t !== t) min = Math.min(min, current);
  }
  area += current * (to - t);
  return { min, mean: to > from ? area / (to - from) : current };
}

export interface BoundaryUse {
  /** The batch that starts at this boundary. */
  next: string;
  /** From the previous batch's last dispatch to its last completion or the next batch's first start, whichever is later. */
  windowMs: number;
  minOccupancy: number;
  meanOccupancy: number;
}

export interface SlotUse {
  maxConcurrent: number;
  /** First start to last completion. */
  wallMs: number;
  /** Slot time used / (maxConcurrent × wall). */
  utilisation: number;
  maxInFlight: number;
  boundaries: BoundaryUse[];
}

export function slotUse(spans: ActivitySpan[], maxConcurrent: number): SlotUse {
  const ran = spans.filter((s): s is ActivitySpan & { startedMs: number } => s.startedMs !== null);
  const points = steps(ran.map((s) => [s.startedMs, s.closedMs]));
  const first = Math.min(...ran.map((s) => s.startedMs));
  const last = Math.max(...ran.map((s) => s.closedMs));
  const used = ran.reduce((sum, s) => sum + (s.closedMs - s.startedMs), 0);
  const batches = [...new Set(spans.map((s) => s.batch))];
  const of = (batch: string) => ran.filter((s) => s.batch === batch);
  const boundaries = batches.slice(1).map((next, k): BoundaryUse => {
    const previous = of(batches[k]!);
    const from = Math.max(...previous.map((s) => s.scheduledMs));
    const to = Math.max(Math.max(...previous.map((s) => s.closedMs)), Math.min(...of(next).map((s) => s.startedMs)));
    const { min, mean } = window(points, from, to);
    return { next, windowMs: to - from, minOccupancy: min, meanOccupancy: mean };
  });
  return { maxConcurrent, wallMs: last - first, utilisation: used / (maxConcurrent * (last - first)), maxInFlight: maxInFlight(spans), boundaries };
}
