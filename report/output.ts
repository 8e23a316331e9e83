// Writes a page and its figures: index.html (figures inlined), and <id>.svg / <id>.png per figure.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** Writes into `dir` what `formats` asks for; `html` builds the page from the rendered figures. */
export async function writePage(dir: string, formats: Format[], figures: RenderedFigure[], html: (figures: RenderedFigure[]) => string, timings: Omit<PageFiles['timings'], 'filesMs'>): Promise<PageFiles> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const files: PageFiles = { html: null, figures: [], timings: { ...timings, filesMs: 0 } };
  for (const f of figures) {
    const svg = formats.includes('svg') ? join(dir, `${f.id}.svg`) : null;
    const png = formats.includes('png') ? join(dir, `${f.id}.png`) : null;
    if (svg) await writeFile(svg, f.svg);
    if (png) await writeFile(png, svgToPng(f.svg));
    files.figures.push({ id: f.id, svg, png });
  }
  if (formats.includes('html')) {
    files.html = join(dir, 'index.html');
    await writeFile(files.html, html(figures));
  }
  files.timings.filesMs = performance.now() - started;
  return files;
}
