// What a report writes and how much of the raster it draws exactly: the CLI's option parsers
// read these without loading the renderer.
export const FORMATS = ['html', 'png', 'svg'] as const;
export type Format = (typeof FORMATS)[number];

/** Default cap on exactly drawn spikes in the raster's subset: what a browser and resvg draw quickly. */
export const RASTER_CAP = 50_000;
