// Checkpoint files: a versioned header, the state arrays, and a SHA-256 over everything, written
// to a temporary name and renamed into place, so a crash never leaves a half-written checkpoint
// under the final name and an existing checkpoint is never damaged. Reading refuses other
// formats, other codegen versions, other structures, truncated and corrupted files.
//
// Layout (little-endian):
//   "SSCKPT\0\1" | u64 header bytes | header JSON (UTF-8) | zero padding to a multiple of 8 |
//   array payloads, each at its header `offset` from the end of that padding (8-aligned) |
//   SHA-256 of all bytes before it
import { createHash } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { Dtype, SimTypedArray } from '../../native/index.js';
import type { SimState } from './snapshot.js';

export const CHECKPOINT_FORMAT = 1;
const MAGIC = Buffer.from('SSCKPT\0\x01', 'latin1');
const HASH_BYTES = 32;

export interface CheckpointMeta {
  codegenVersion: number;
  structureHash: string;
  seed: number;
  dt: number;
  /** Anything the writer needs to continue: spec, phase, monitor positions… (JSON). */
  context: unknown;
}

export interface CheckpointHeader extends CheckpointMeta {
  format: number;
  step: number;
  createdAt: string;
  arrays: { name: string; dtype: Dtype; length: number; offset: number; bytes: number }[];
}

export class CheckpointError extends Error {
  constructor(readonly path: string, message: string) {
    super(`checkpoint ${path}: ${message}`);
    this.name = 'CheckpointError';
  }
}

const ARRAY_TYPES: Record<Dtype, { new (buffer: ArrayBuffer, offset: number, length: number): SimTypedArray; BYTES_PER_ELEMENT: number }> = {
  f64: Float64Array, f32: Float32Array, i32: Int32Array, i64: BigInt64Array, u16: Uint16Array, u8: Uint8Array,
};

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export async function writeCheckpoint(path: string, state: SimState, meta: CheckpointMeta): Promise<{ bytes: number }> {
  let offset = 0;
  const arrays = [...state.arrays].map(([name, { dtype, data }]) => {
    const entry = { name, dtype, length: data.length, offset, bytes: data.byteLength };
    offset = align8(offset + data.byteLength);
    return entry;
  });
  const header: CheckpointHeader = { format: CHECKPOINT_FORMAT, ...meta, step: state.step, createdAt: new Date().toISOString(), arrays };
  const json = Buffer.from(JSON.stringify(header));
  const dataStart = align8(16 + json.length);

  // The pieces in file order, written with one gather write: a call per piece costs a thread-pool
  // round trip each (two per array: ~70 for a small CUBA).
  const lengthField = Buffer.alloc(8);
  lengthField.writeBigUInt64LE(BigInt(json.length));
  const pieces: Uint8Array[] = [MAGIC, lengthField, json];
  let written = MAGIC.length + 8 + json.length;
  for (const a of header.arrays) {
    const padding = dataStart + a.offset - written;
    if (padding > 0) pieces.push(Buffer.alloc(padding));
    const { data } = state.arrays.get(a.name)!;
    pieces.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    written += padding + data.byteLength;
  }
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  pieces.push(hash.digest());

  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writev(pieces);
    await file.sync();
    await file.close();
    await rename(tmp, path);
  } catch (e) {
    await file.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  return { bytes: written + HASH_BYTES };
}

export async function readCheckpoint(path: string, expect: { structureHash?: string; codegenVersion?: number } = {}): Promise<{ header: CheckpointHeader; state: SimState }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CheckpointError(path, `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (bytes.length < MAGIC.length + 8 + HASH_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new CheckpointError(path, 'not a spikesweep checkpoint (bad magic number or too short)');
  const body = bytes.subarray(0, bytes.length - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - HASH_BYTES)))
    throw new CheckpointError(path, 'checksum mismatch: the file is truncated or corrupted');
  const headerLength = Number(bytes.readBigUInt64LE(MAGIC.length));
  let header: CheckpointHeader;
  try {
    header = JSON.parse(bytes.subarray(16, 16 + headerLength).toString('utf8'));
  } catch {
    throw new CheckpointError(path, 'unreadable header');
  }
  if (header.format !== CHECKPOINT_FORMAT) throw new CheckpointError(path, `format version ${header.format}, this spikesweep reads version ${CHECKPOINT_FORMAT}`);
  if (expect.codegenVersion !== undefined && header.codegenVersion !== expect.codegenVersion)
    throw new CheckpointError(path, `written by code generator version ${header.codegenVersion}, this spikesweep is version ${expect.codegenVersion}`);
  if (expect.structureHash !== undefined && header.structureHash !== expect.structureHash)
    throw new CheckpointError(path, `it belongs to another network structure (${header.structureHash}, expected ${expect.structureHash})`);
  const arrays: SimState['arrays'] = new Map();
  const dataStart = align8(16 + headerLength);
  for (const a of header.arrays) {
    const start = dataStart + a.offset;
    if (start + a.bytes > body.length) throw new CheckpointError(path, `array '${a.name}' extends past the end of the file`);
    const copy = new ArrayBuffer(a.bytes);
    new Uint8Array(copy).set(body.subarray(start, start + a.bytes));
    arrays.set(a.name, { dtype: a.dtype, data: new ARRAY_TYPES[a.dtype](copy, 0, a.length) });
  }
  return { header, state: { step: header.step, arrays } };
}
