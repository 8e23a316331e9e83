// Runs the spikesweep command (bin/spikesweep.js) as a user would, in a child process.
import { spawn } from 'node:child_process';

const BIN = new URL('../../bin/spikesweep.js', import.meta.url).pathname;

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function spikesweep(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SPIKESWEEP_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
