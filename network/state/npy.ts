// NumPy .npy files (format 1.0): what `Network.save` writes so that values can be read by
// numpy.load, and read back by `Network.load`. Only 1-D little-endian arrays of the simulation's
// element types. Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import type { Dtype, SimTypedArray } from '../../native/index.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
const DESCR: Record<Dtype, string> = { f64: '<f8', f32: '<f4', i32: '<i4', i64: '<i8', u16: '<u2', u8: '|u1' };
const TYPES: Record<string, { dtype: Dtype; ctor: { new (b: ArrayBuffer, o: number, n: number): SimTypedArray; BYTES_PER_ELEMENT: number } }> = {
  '<f8': { dtype: 'f64', ctor: Float64Array }, '<f4': { dtype: 'f32', ctor: Float32Array }, '<i4': { dtype: 'i32', ctor: Int32Array },
  '<i8': { dtype: 'i64', ctor: BigInt64Array }, '<u2': { dtype: 'u16', ctor: Uint16Array }, '|u1': { dtype: 'u8', ctor: Uint8Array },
};

export function encodeNpy(dtype: Dtype, data: SimTypedArray): Buffer {
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${data.length},), }`;
  const unpadded = MAGIC.length + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const length = Buffer.alloc(2);
  length.writeUInt16LE(header.length);
  return Buffer.concat([MAGIC, length, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

export function decodeNpy(bytes: Buffer, where: string): { dtype: Dtype; data: SimTypedArray } {
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC.subarray(0, 6))) throw new Error(`${where}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\((\d+),?\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${where}: Fortran-ordered arrays are not supported`);
  const type = descr ? TYPES[descr] : undefined;
  if (!type || shape === undefined) throw new Error(`${where}: expected a 1-D array of ${Object.keys(TYPES).join(', ')}, got ${header.trim()}`);
  const length = Number(shape);
  const offset = start + headerLength;
  if (bytes.length < offset + length * type.ctor.BYTES_PER_ELEMENT) throw new Error(`${where}: truncated (${length} elements announced)`);
  const copy = new ArrayBuffer(length * type.ctor.BYTES_PER_ELEMENT);
  new Uint8Array(copy).set(bytes.subarray(offset, offset + copy.byteLength));
  return { dtype: type.dtype, data: new type.ctor(copy, 0, length) };
}
