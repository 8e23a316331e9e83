// The machine a benchmark ran on, recorded in every result file: figures compare only on one CPU
// kind, and the kernels' speed depends on what `-march=native` resolves to and how wide a vector
// the CPU has (a loop GCC vectorised for one may stay scalar for another).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { toolchain } from '../backends/openmp/index.js';

export interface BenchMachine {
  /** /proc/cpuinfo's model name (os.cpus() may shorten it, e.g. "AMD EPYC"). */
  cpu: string;
  /** x86 family and model: tells CPU generations apart when the model name does not. */
  cpuFamilyModel: string | null;
  /** The widest vector extension the CPU reports: avx512f, avx2, sse4_2 or none. */
  vectorIsa: string;
  /** What GCC's `-march=native` resolves to here (e.g. znver3, rocketlake), and its preferred vector width. */
  marchNative: string | null;
  preferVectorWidth: string | null;
  compiler: string;
  cores: number;
  memoryGiB: number;
  node: string;
  date: string;
}

function cpuinfo(): Map<string, string> {
  try {
    const first = readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0];
    return new Map(first.split('\n').map((line) => line.split(/\s*:\s*/, 2) as [string, string]));
  } catch {
    return new Map();
  }
}

/** `-march=` and `-mprefer-vector-width=` as GCC resolves them for -march=native (null when it cannot say). */
function nativeTarget(compiler: string): { march: string | null; width: string | null } {
  try {
    const out = execFileSync(compiler, ['-march=native', '-Q', '--help=target'], { encoding: 'utf8' });
    const value = (flag: string) => out.match(new RegExp(`^\\s*${flag}=?\\s+(\\S+)`, 'm'))?.[1] ?? null;
    return { march: value('-march'), width: value('-mprefer-vector-width') };
  } catch {
    return { march: null, width: null };
  }
}

export async function describeBenchMachine(): Promise<BenchMachine> {
  const info = cpuinfo();
  const flags = new Set((info.get('flags') ?? '').split(' '));
  const { compiler, compilerVersion } = await toolchain.describe();
  const target = nativeTarget(compiler);
  return {
    cpu: info.get('model name') ?? cpus()[0]?.model ?? 'unknown',
    cpuFamilyModel: info.has('cpu family') ? `family ${info.get('cpu family')} model ${info.get('model')}` : null,
    vectorIsa: ['avx512f', 'avx2', 'sse4_2'].find((f) => flags.has(f)) ?? 'none',
    marchNative: target.march,
    preferVectorWidth: target.width,
    compiler: compilerVersion,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
}

/**
 * The CPU kind a result belongs to: results of one kind compare, of two kinds stand side by side.
 * The model name alone does not tell VMs apart ("AMD EPYC" for Zen 3 and Zen 4), so family, model
 * and GCC's -march=native resolution go with it.
 */
export function cpuKind(m: Pick<BenchMachine, 'cpu' | 'cpuFamilyModel' | 'marchNative'>): string {
  const detail = [m.cpuFamilyModel, m.marchNative && `-march=native ${m.marchNative}`].filter(Boolean);
  return detail.length ? `${m.cpu} (${detail.join(', ')})` : m.cpu;
}
