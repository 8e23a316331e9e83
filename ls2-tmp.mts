import { loadSweepSpec } from './sweeps/spec.js';
const t = performance.now();
const s = loadSweepSpec('/tmp/s.yaml');
console.log('loaded', performance.now() - t);
