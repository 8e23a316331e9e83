// The Python interpreter tests use to read Parquet back with pyarrow: the project's own
// environment (scripts/setup.sh --test, run by `npm test`), else SPIKESWEEP_PYTHON, else python3.
import { existsSync } from 'node:fs';

export const python = process.env.SPIKESWEEP_PYTHON ?? (existsSync('.cache/python/bin/python') ? '.cache/python/bin/python' : 'python3');
