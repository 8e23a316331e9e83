// Writes a page and its figures: index.html (figures inlined), and <id>.svg / <id>.png per figure.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { ReportInputError } from './errors.js';
import type { Format } from './formats.js';
import { renderSvg, svgToPng, type Figure, type RenderedFigure } from './render.js';

export interface PageFiles {
  html: string | null;
  figures: { id: string; svg: string | null; png: string | null }[];
  /** Wall time of its stages, ms: DuckDB queries, Vega to SVG, and PNGs and files. */
  timings: { queryMs: number; svgMs: number; filesMs: number };
}

export async function renderFigures(figures: Figure[]): Promise<RenderedFigure[]> {
  const rendered: RenderedFigure[] = [];
  for (const f of figures) rendered.push(await renderSvg(f));
  return rendered;
}

// What the last page written into a folder wrote there: a new page removes what it does not
// write again (the figures of populations or variables the run no longer has), and nothing else.
const WRITTEN = '.report-files.json';

// A file appears whole or not at all: a report killed midway leaves the previous files intact
// (not synced to disk: a lost figure is made again by the next report).
const publish = (path: string, data: string | Uint8Array) => writeFileAtomic(path, data, { durable: false });

/** Writes into `dir` what `formats` asks for; `html` builds the page from the rendered figures. */
export async function writePage(dir: string, formats: Format[], figures: RenderedFigure[], html: (figures: RenderedFigure[]) => string, timings: Omit<PageFiles['timings'], 'filesMs'>): Promise<PageFiles> {
  const started = performance.now();
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new ReportInputError(`cannot write the report into ${dir}: ${e.code === 'ENOTDIR' ? 'a part of that path is a file' : e.code === 'EACCES' || e.code === 'EROFS' ? 'not writable' : e.message}`);
  });
  const files: PageFiles = { html: null, figures: [], timings: { ...timings, filesMs: 0 } };
  for (const f of figures) {
    const svg = formats.includes('svg') ? join(dir, `${f.id}.svg`) : null;
    const png = formats.includes('png') ? join(dir, `${f.id}.png`) : null;
    if (svg) await publish(svg, f.svg);
    if (png) await publish(png, svgToPng(f.svg));
    files.figures.push({ id: f.id, svg, png });
  }
  if (formats.includes('html')) {
    files.html = join(dir, 'index.html');
    await publish(files.html, html(figures));
  }
  const written = [files.html, ...files.figures.flatMap((f) => [f.svg, f.png])].filter((f): f is string => f !== null).map((f) => basename(f));
  const before = await readFile(join(dir, WRITTEN), 'utf8').then((t) => JSON.parse(t) as string[], () => []);
  await Promise.all(before.filter((f) => !written.includes(f) && basename(f) === f).map((f) => rm(join(dir, f), { force: true })));
  await publish(join(dir, WRITTEN), JSON.stringify(written));
  files.timings.filesMs = performance.now() - started;
  return files;
}
