// Opens a generated report page in Debian's Chromium (playwright-core, no browser download) and
// collects what must not happen on a self-contained page: console errors, page errors, and
// requests other than file: and data:.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './cli.js';

export const CHROMIUM = '/usr/lib/chromium/chromium';
/** Screenshots of the pages the tests opened (ignored by git). */
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });

export interface OpenedPage {
  page: Page;
  problems: string[];
}

export async function openPage(browser: Browser, html: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!/^(file|data):/.test(r.url())) problems.push(`request: ${r.url()}`); });
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A PNG's size from its header. */
export function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Dark pixels (text, lines) in the bottom `fraction` of a PNG, counted by the browser's decoder. */
export async function darkPixelsAtBottom(page: Page, file: string, fraction: number): Promise<number> {
  const url = `data:image/png;base64,${readFileSync(file).toString('base64')}`;
  return page.evaluate(async ({ url, fraction }) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const top = Math.floor(image.height * (1 - fraction));
    const { data } = context.getImageData(0, top, image.width, image.height - top);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 400) dark++;
    return dark;
  }, { url, fraction });
}
