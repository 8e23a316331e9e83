// A batch's share of its sweep's maxConcurrent slots when batches overlap (workflows/sweep.ts).
// The sweep lends a batch slots at its start and the batch draining before it hands on more; once
// this batch has dispatched its last group it gives its unused slots back to the sweep (for the
// next batch) and hands each slot its groups free on to the successor the sweep names. A slot
// moves only by signal and is held by one batch at a time, so the sweep never has more than
// maxConcurrent activities in flight however many batches are alive.
import { condition, getExternalWorkflowHandle, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import { batchDrainingSignal, slotsHandedSignal, successorSignal } from './contract.js';

export interface BatchSlots {
  /** Slots this batch holds; its groups in flight use some of them. */
  held(): number;
  /** The last group is dispatched: the slots not in use go back to the sweep, and from now on those `inUse` frees go on to the successor. */
  drain(inUse: () => number): Promise<void>;
  /** Resolves once no slot is left here to hand on (all went to the successor, or none follows): the batch may close. */
  handedOn(): Promise<void>;
}

export function batchSlots(lent: number, sweepWorkflowId: string): BatchSlots {
  const self = workflowInfo().workflowId;
  let held = lent;
  /** The batch to hand slots to; undefined until the sweep names it, null when none follows. */
  let successor: string | null | undefined;
  /** Hand-overs not yet acknowledged by the server. */
  let sending = 0;
  /** Successors that closed before a hand-over reached them (they drained as well). */
  const closed = new Set<string>();
  setHandler(slotsHandedSignal, ({ slots }) => { held += slots; });
  setHandler(successorSignal, ({ batch }) => { successor = batch; });

  const send = async (to: string, slots: number): Promise<void> => {
    try {
      await getExternalWorkflowHandle(to).signal(slotsHandedSignal, { slots });
    } catch (err) {
      held += slots;
      // Closed: the slots wait for the batch the sweep names next. Cancelled: no batch follows.
      if (!isCancellation(err)) closed.add(to);
    } finally {
      sending--;
    }
  };
  // Each workflow task hands on the slots freed since the last one, without waiting for earlier
  // hand-overs to be acknowledged: a slot idles for a workflow task of each batch, not a round trip.
  const handOn = async (inUse: () => number): Promise<void> => {
    try {
      for (;;) {
        await condition(() => typeof successor === 'string' && !closed.has(successor) && held > inUse());
        const slots = held - inUse();
        held -= slots;
        sending++;
        void send(successor as string, slots);
      }
    } catch (err) {
      // A cancelled sweep starts no further batch: there is nobody to hand slots to.
      if (!isCancellation(err)) throw err;
    }
  };

  return {
    held: () => held,
    async drain(inUse) {
      const unused = held - inUse();
      held -= unused;
      await getExternalWorkflowHandle(sweepWorkflowId).signal(batchDrainingSignal, { batch: self, slots: unused });
      void handOn(inUse);
    },
    async handedOn() {
      try {
        await condition(() => successor !== undefined && sending === 0 && (successor === null || held === 0));
      } catch (err) {
        if (!isCancellation(err)) throw err;
      }
    },
  };
}
