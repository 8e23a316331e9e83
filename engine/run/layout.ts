// Where a run's rows go. Two layouts:
//   single (no checkpoints): one spikes.parquet (+ state.parquet, bold.parquet) for the whole run;
//   parts (checkpointed runs): spikes/part-00000.parquet, spikes/part-00001.parquet, … (+ state/…, bold/…),
//     one part per checkpoint interval, each published by atomic rename when it is closed.
// progress.json (parts layout) names the latest complete checkpoint and the parts committed with
// it; it is written atomically after the checkpoint, so it is the commit point of an interval.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WriteResult } from '../parquet/parquet-sink.js';
import { openSpikeWriter, type SpikeWriter } from '../parquet/spike-writer.js';
import { openStateWriter, type StateWriter } from '../parquet/state-writer.js';
import { openBoldWriter, type BoldWriter } from '../parquet/bold-writer.js';
import type { WriterOptions } from '../parquet/writer-options.js';
import { writeManifest } from './manifest.js';

export type Layout = 'single' | 'parts';

export type PartKind = 'spikes' | 'state' | 'bold';
export const partName = (kind: PartKind, index: number) => `${kind}/part-${String(index).padStart(5, '0')}.parquet`;
/** The folder of a run's checkpoints, in its output folder. */
export const CHECKPOINTS_DIR = 'checkpoints';
export const checkpointName = (step: number) => `${CHECKPOINTS_DIR}/step-${step}.ckpt`;

/** What a part holds besides spikes: state samples, and the BOLD monitors' samples (with the columns of bold.parquet). */
export interface PartContents {
  state: boolean;
  /** The bold file's variable columns; null: no BOLD monitor. */
  bold: string[] | null;
}

type Writer = SpikeWriter | StateWriter | BoldWriter;
type Opened = PromiseSettledResult<Writer | undefined>[];

/** The writers of one part (or of the whole run in the single layout). */
export class PartWriters {
  readonly files: { spikes: string; state: string | null; bold: string | null };
  private readonly opening: Promise<Opened>;
  private taken: (Writer | undefined)[] | null = null;

  constructor(outDir: string, layout: Layout, index: number, contents: PartContents, opts: WriterOptions) {
    const name = (kind: PartKind) => (layout === 'single' ? `${kind}.parquet` : partName(kind, index));
    this.files = { spikes: name('spikes'), state: contents.state ? name('state') : null, bold: contents.bold ? name('bold') : null };
    const { state, bold } = this.files;
    this.opening = Promise.allSettled([
      openSpikeWriter(join(outDir, this.files.spikes), opts),
      state ? openStateWriter(join(outDir, state), opts) : Promise.resolve(undefined),
      bold ? openBoldWriter(join(outDir, bold), { ...opts, variables: contents.bold! }) : Promise.resolve(undefined),
    ]);
  }

  private take(opened: Opened): (Writer | undefined)[] {
    return (this.taken ??= opened.map((r) => (r.status === 'fulfilled' ? r.value : undefined)));
  }

  /** The open writers; throws if any failed to open (the others are then aborted by abort()). */
  async writers(): Promise<{ spikes: SpikeWriter; state: StateWriter | undefined; bold: BoldWriter | undefined }> {
    const opened = await this.opening;
    const [spikes, state, bold] = this.take(opened);
    const failed = opened.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return { spikes: spikes as SpikeWriter, state: state as StateWriter | undefined, bold: bold as BoldWriter | undefined };
  }

  /** Closes the files (each renamed into place); a failure discards what was not published. */
  async close(): Promise<{ spikes: WriteResult; state: WriteResult | null; bold: WriteResult | null }> {
    const { spikes, state, bold } = await this.writers();
    this.taken = [undefined, undefined, undefined];
    const closing = await Promise.allSettled([spikes.close(), state?.close(), bold?.close()]);
    const failed = closing.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [s, t, b] = closing.map((r) => (r as PromiseFulfilledResult<WriteResult | undefined>).value);
    return { spikes: s!, state: t ?? null, bold: b ?? null };
  }

  /** Removes the temp files of writers not yet closed. */
  async abort(): Promise<void> {
    const writers = this.taken ?? this.take(await this.opening);
    this.taken = [undefined, undefined, undefined];
    await Promise.all(writers.map((w) => w?.abort().catch(() => undefined)));
  }
}

/**
 * The files one session writes: the writers of the part being written, and what to take back when
 * the run fails. Single layout: a run that fails after its files were published takes them back
 * (the manifest marks a finished run; no file outlives a failed one). Parts layout: committed parts
 * and the checkpoint stay — they are what a resume continues from.
 */
export class SessionFiles {
  /** The writers of the part being written (of the whole run in the single layout). */
  writers: PartWriters | undefined;
  private singlePublished = false;
  private manifestWritten = false;

  constructor(readonly outDir: string, readonly layout: Layout, readonly contents: PartContents, private readonly writerOptions: WriterOptions) {}

  get manifestPath(): string {
    return join(this.outDir, 'manifest.json');
  }

  /** What the folder held before this session: what an earlier run may have left (removeStale). */
  private found: string[] = [];

  /** Creates the folders; on a resume, first removes the files its crashed predecessor left. */
  async prepare(garbage: string[]): Promise<void> {
    await mkdir(this.outDir, { recursive: true });
    await removeFiles(this.outDir, garbage);
    this.found = await readdir(this.outDir);
    if (this.layout === 'parts') await makeLayoutDirs(this.outDir, this.contents);
  }

  /** Opens part `index`'s writers unless a part is open. */
  open(index: number): void {
    this.writers ??= new PartWriters(this.outDir, this.layout, index, this.contents, this.writerOptions);
  }

  /** Closes the open part: its files are renamed into place. */
  async closePart(): Promise<{ files: PartWriters['files']; closed: Awaited<ReturnType<PartWriters['close']>> }> {
    const closed = await this.writers!.close();
    const files = this.writers!.files;
    this.writers = undefined;
    return { files, closed };
  }

  /** Closes the single layout's files; close() publishes or cleans up, so nothing is left to abort. */
  async publishSingle(): Promise<Awaited<ReturnType<PartWriters['close']>>> {
    const writers = this.writers!;
    this.writers = undefined;
    this.singlePublished = true;
    return writers.close();
  }

  async writeManifest(manifest: object): Promise<void> {
    await writeManifest(this.manifestPath, manifest);
    this.manifestWritten = true;
  }

  /**
   * After the manifest: removes what an earlier run in this folder left that this one did not
   * write — the other layout's files, outputs this run has none of, a report of that run — so the
   * folder holds one run and readers of its files find only what its manifest names.
   */
  async removeStale(): Promise<void> {
    const kinds: PartKind[] = ['spikes', ...(this.contents.state ? ['state' as const] : []), ...(this.contents.bold ? ['bold' as const] : [])];
    const mine = this.layout === 'single' ? kinds.map((k) => `${k}.parquet`) : [...kinds, CHECKPOINTS_DIR];
    const outputs = ['spikes.parquet', 'state.parquet', 'bold.parquet', 'spikes', 'state', 'bold', CHECKPOINTS_DIR, 'report'];
    // Only what was there before: a run in a fresh folder (every sweep run) removes nothing.
    await removeFiles(this.outDir, outputs.filter((f) => !mine.includes(f) && this.found.includes(f)));
  }

  /** After a failure: aborts the open writers and takes back what must not outlive the run. */
  async discard(log: Logger): Promise<void> {
    await this.writers?.abort().catch((e) => log.warn({ err: e }, 'aborting a writer failed'));
    if (this.layout === 'single' && this.singlePublished) await removeFiles(this.outDir, ['spikes.parquet', 'state.parquet', 'bold.parquet', 'manifest.json']);
    else if (this.manifestWritten) await rm(this.manifestPath, { force: true });
  }
}

export interface Progress {
  format: 1;
  runId: string;
  /** Step of the latest complete checkpoint (and the end of the last committed part). */
  step: number;
  /** Relative to the output folder. */
  checkpoint: string;
  /** Committed part files, relative, in order. */
  parts: string[];
  updatedAt: string;
}

export const writeProgress = (outDir: string, progress: Progress) => writeManifest(join(outDir, 'progress.json'), progress);

export async function readProgress(outDir: string): Promise<Progress | null> {
  let text: string;
  try {
    text = await readFile(join(outDir, 'progress.json'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const p = JSON.parse(text) as Progress;
  if (p.format !== 1 || typeof p.checkpoint !== 'string' || !Array.isArray(p.parts) || !Number.isSafeInteger(p.step)) throw new Error('progress.json is not a spikesweep progress file (format 1)');
  return p;
}

export async function makeLayoutDirs(outDir: string, contents: PartContents): Promise<void> {
  await mkdir(join(outDir, 'spikes'), { recursive: true });
  if (contents.state) await mkdir(join(outDir, 'state'), { recursive: true });
  if (contents.bold) await mkdir(join(outDir, 'bold'), { recursive: true });
}

/**
 * Files a crash left behind: in spikes/, state/, bold/ and checkpoints/ everything progress.json does not
 * name; in the folder itself, temp files (dot-named .tmp) and manifest.json (rewritten when the
 * resumed run finishes). Returns their relative paths.
 */
export async function uncommittedFiles(outDir: string, progress: Progress): Promise<string[]> {
  const keep = new Set([...progress.parts, progress.checkpoint]);
  const out: string[] = [];
  for (const sub of ['spikes', 'state', 'bold', CHECKPOINTS_DIR]) {
    let names: string[];
    try {
      names = await readdir(join(outDir, sub));
    } catch {
      continue;
    }
    for (const name of names) if (!keep.has(`${sub}/${name}`)) out.push(`${sub}/${name}`);
  }
  for (const name of await readdir(outDir)) if (name === 'manifest.json' || (name.startsWith('.') && name.endsWith('.tmp'))) out.push(name);
  return out.sort();
}

export async function removeFiles(outDir: string, files: string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(join(outDir, f), { force: true, recursive: true })));
}
