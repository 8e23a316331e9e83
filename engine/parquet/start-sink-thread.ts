// Starts sink-thread beside this module. Compiled, the .js entry loads directly. Under tsx the
// sources are .ts and Node 20 worker_threads do not inherit tsx's loader, so the thread registers
// it before importing the entry (dev and test runs only; production code never loads tsx).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startSinkThread(options: WorkerOptions): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./sink-thread${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry, options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((m) => m.register()).then(() => import(${JSON.stringify(entry.href)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}
