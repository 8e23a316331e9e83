// What the Temporal server refused, as one sentence that names the cause: the SDK's own messages
// ("Failed to start Workflow") name the call, not why it failed, and the reason hides in a gRPC
// status under `cause`. The sweep API throws these; the CLI prints their message, with no stack.
import { ServiceError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';

/** The server knows no sweep by this id (`spikesweep status|cancel|results <id>` exit 2). */
export class SweepNotFoundError extends Error {
  constructor(readonly sweepId: string, server: ServerContext) {
    super(`no sweep '${sweepId}' on the Temporal server at ${server.address} (namespace ${server.namespace})`);
    this.name = 'SweepNotFoundError';
  }
}

/** The server refused or could not answer a call. */
export class TemporalServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalServerError';
  }
}

export interface ServerContext {
  address: string;
  namespace: string;
}

/** What makes a sweep's input large (the network spec is a file in the output folder, never in it), and what keeps it small. */
const SMALLER = 'explicit lists in the plan (seed lists, axis values) are what make it large: seed policies (sequential, random) and sampled parameters keep it small';

/** gRPC status codes the causes below are told apart by. */
const GRPC = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;

interface GrpcCause {
  code?: number;
  details?: string;
  message?: string;
}

/**
 * `error` thrown while `doing` (e.g. "submitting sweep x") on `server`, as a TemporalServerError
 * naming its cause; errors that did not come from the server are returned unchanged.
 */
export function explainServerError(error: unknown, server: ServerContext, doing: string, sizes?: { payloadBytes: number }): unknown {
  const at = `the Temporal server at ${server.address}`;
  if (error instanceof NamespaceNotFoundError) {
    return new TemporalServerError(`${doing} failed: namespace '${server.namespace}' does not exist on ${at} (set TEMPORAL_NAMESPACE, or create it with \`temporal operator namespace create ${server.namespace}\`)`, { cause: error });
  }
  if (!(error instanceof ServiceError)) return error;
  const cause = (error.cause ?? {}) as GrpcCause;
  const details = cause.details ?? cause.message ?? error.message;
  const size = sizes ? ` (${megabytes(sizes.payloadBytes)} MB)` : '';
  if (cause.code === GRPC.INVALID_ARGUMENT && /blob data size exceeds limit/i.test(details)) {
    return new TemporalServerError(`${doing} failed: the sweep's input${size} is larger than ${at} accepts for one payload (its blob size limit, 2 MB by default); ${SMALLER}`, { cause: error });
  }
  if (cause.code === GRPC.RESOURCE_EXHAUSTED && /larger than max/i.test(details)) {
    return new TemporalServerError(`${doing} failed: the request${size} is larger than ${at} accepts (its gRPC message limit, 4 MB by default); ${SMALLER}`, { cause: error });
  }
  if (cause.code === GRPC.UNAVAILABLE) return new TemporalServerError(`${doing} failed: cannot reach ${at} (${details})`, { cause: error });
  if (cause.code === GRPC.DEADLINE_EXCEEDED) return new TemporalServerError(`${doing} failed: ${at} did not answer in time (${details})`, { cause: error });
  return new TemporalServerError(`${doing} failed: ${at} answered: ${details}`, { cause: error });
}

/**
 * Runs one call to the server, translating what it throws (explainServerError); a workflow the
 * server does not know is the sweep `sweepId` not found, when given.
 */
export async function onServer<T>(server: ServerContext, doing: string, call: () => Promise<T>, opts: { sweepId?: string; payloadBytes?: number } = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (opts.sweepId !== undefined && error instanceof WorkflowNotFoundError) throw new SweepNotFoundError(opts.sweepId, server);
    throw explainServerError(error, server, doing, opts.payloadBytes === undefined ? undefined : { payloadBytes: opts.payloadBytes });
  }
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
