// Figures to SVG and PNG, offline: Vega-Lite compiled to Vega and rendered headless with toSVG(),
// then rasterised by resvg. Both name one installed font (fonts-dejavu-core): without it resvg
// drops text silently or falls back to a serif face.
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export const FONT = 'DejaVu Sans';
/** Device pixels per CSS pixel of the PNGs. */
const PNG_SCALE = 2;

/** A Vega-Lite spec or part of one, as JSON; compile() checks it as a whole. */
export type VegaLite = Record<string, unknown>;

/** A figure of a page: its file name (no extension), heading and Vega-Lite spec. */
export interface Figure {
  id: string;
  title: string;
  spec: VegaLite;
}

export interface RenderedFigure {
  id: string;
  title: string;
  svg: string;
}

export async function renderSvg(figure: Figure): Promise<RenderedFigure> {
  const spec = { ...figure.spec, config: { ...(figure.spec.config as object | undefined), font: FONT, background: 'white' } } as TopLevelSpec;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return { id: figure.id, title: figure.title, svg: await view.toSVG() };
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return resvg.render().asPng();
}
