// The self-contained HTML page: inline SVG figures, tables, a little CSS; no script, no request.
import type { RenderedFigure } from './render.js';

export const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A table; cells are text unless given as { html }. */
export function table(columns: string[], rows: (string | number | null | { html: string })[][]): string {
  const cell = (v: string | number | null | { html: string }) => (v !== null && typeof v === 'object' ? v.html : escapeHtml(v === null ? '—' : String(v)));
  return `<table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A two-column table of named facts: each row's name as its header cell, no header row. */
export function facts(rows: [string, string | number | null][]): string {
  return `<table><tbody>${rows.map(([name, v]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(v === null ? '—' : String(v))}</td></tr>`).join('')}</tbody></table>`;
}

export const section = (heading: string, body: string) => `<section><h2>${escapeHtml(heading)}</h2>${body}</section>`;

/** A figure with its heading; the SVG is inlined as Vega wrote it. */
export const figure = (f: RenderedFigure) => `<figure id="${escapeHtml(f.id)}"><figcaption>${escapeHtml(f.title)}</figcaption>${f.svg}</figure>`;

const CSS = `body{font-family:'DejaVu Sans',sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}
figure{margin:16px 0}figcaption{font-weight:bold;margin-bottom:4px}code{background:#f3f3f3;padding:1px 4px}`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`;
}
