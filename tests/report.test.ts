// `spikesweep report` as a user runs it, checked in Chromium: the page of one run (with a
// population that never fires and a voltage trace) and the page of a small sweep on a real
// Temporal dev server, reached by its sweep id, with two run pages. Each page loads without
// console errors, page errors or requests beyond file: and data:; it has its figures, non-empty,
// with their axis titles; each PNG is twice its SVG's size and has text pixels under the plot.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { darkPixelsAtBottom, launchChromium, openPage, pngSize, screenshot } from './helpers/browser.js';
import { traceFigure } from '../report/figures/time-series.js';
import { writePage } from '../report/output.js';
import { spikesweep } from './helpers/cli.js';
import { cliEnv, cubaSpec, startWorker, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let dir: string;
let browser: Browser;
let temporal: TestTemporal;
let worker: WorkerProcess | null = null;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-report-'));
  [browser, temporal] = await Promise.all([launchChromium(), startTestTemporal()]);
});

after(async () => {
  await worker?.kill();
  await browser?.close();
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

interface JsonReport {
  kind: string;
  html: string;
  figures: { id: string; svg: string; png: string }[];
  runPages: Record<string, string>;
}

/** Opens the page and checks what every report page must satisfy; returns the open page. */
async function checkPage(html: string, figureIds: string[], axisTitles: string[]): Promise<Page> {
  const { page, problems } = await openPage(browser, html);
  const figures = await page.$$eval('figure', (fs) => fs.map((f) => {
    const svg = f.querySelector('svg');
    const box = svg?.getBoundingClientRect();
    return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, image, text, rect, line').length ?? 0 };
  }));
  assert.deepEqual(figures.map((f) => f.id), figureIds, `${html}: the figures`);
  for (const f of figures) assert.ok(f.width > 100 && f.height > 40 && f.marks > 3, `${html}: figure ${f.id} is drawn (${JSON.stringify(f)})`);
  const text = await page.evaluate(() => document.body.innerText + [...document.querySelectorAll('svg text')].map((t) => t.textContent).join('\n'));
  for (const title of axisTitles) assert.ok(text.includes(title), `${html}: '${title}' is on the page`);
  assert.deepEqual(problems, [], `${html}: no console error, page error or outside request`);
  return page;
}

/** Each figure's PNG is twice its SVG's size, with dark (text) pixels: in the bottom strip (the x axis title) when it has axes. */
async function checkPngs(page: Page, report: JsonReport) {
  for (const f of report.figures) {
    const svg = readFileSync(f.svg, 'utf8');
    const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    assert.deepEqual(pngSize(f.png), { width: 2 * Number(w), height: 2 * Number(h) }, `${f.png}: size`);
    const axes = svg.includes('role-axis-title');
    assert.ok(await darkPixelsAtBottom(page, f.png, axes ? 0.12 : 1) > 50, `${f.png}: text pixels ${axes ? 'under the plot' : 'in the panel'}`);
  }
}

describe('spikesweep report', () => {
  test('a run: raster, rates (an empty panel for a silent population), a v trace, ISI and CV; the manifest tables', { timeout: 300_000 }, async () => {
    const cuba = await cubaSpec();
    const quiet = { ...cuba.neurons.cuba_lif, parameters: String(cuba.neurons.cuba_lif.parameters).replace('El = -49.0', 'El = -70.0') };
    const spec = {
      ...cuba, name: 'cuba-small',
      neurons: { ...cuba.neurons, quiet_lif: quiet },
      populations: [...cuba.populations.map((p) => ({ ...p, geometry: p.name === 'exc' ? 400 : 100 })), { name: 'silent', geometry: 20, neuron: 'quiet_lif', values: {} }],
      monitors: [...cuba.monitors, { target: 'silent', variables: ['spike'] }, { target: 'exc', variables: ['v'], indices: [0, 1] }],
    };
    const specFile = join(dir, 'cuba-small.json');
    await writeFile(specFile, JSON.stringify(spec));
    const runDir = join(dir, 'run');
    const run = await spikesweep(['run', specFile, '--duration', '300', '--out', runDir, '--json'], cliEnv(temporal.address)).done;
    assert.equal(run.code, 0, run.stderr);

    const made = await spikesweep(['report', runDir, '--json'], cliEnv(temporal.address)).done;
    assert.equal(made.code, 0, made.stderr);
    const report = made.json as unknown as JsonReport;
    assert.equal(report.kind, 'run');
    assert.equal(report.html, join(runDir, 'report', 'index.html'));
    const ids = ['raster-density', 'raster-exact', 'rate-exc', 'rate-inh', 'rate-silent', 'trace-exc-v', 'isi', 'cv-isi'];
    assert.deepEqual(report.figures.map((f) => f.id), ids);
    const page = await checkPage(report.html, ids, ['time (ms)', 'neuron', 'rate (Hz)', 'v (mV)', 'inter-spike interval (ms)', 'CV of ISI', 'population silent has no spikes', '520 of 520 neurons shown', 'cuba-small']);
    await checkPngs(page, report);
    await screenshot(page, 'run-page.png');
    await page.close();
  });

  test('a sweep by its id: heatmap with mean ± sd and n, rate against each parameter, two run pages; `spikesweep sweep` names the command', { timeout: 600_000 }, async () => {
    const network = await writeSmallNetwork(dir);
    const file = await writeSweepFile(dir, 'small-sweep', {
      name: 'small', network, duration: 200, backend: 'openmp', threads: 1, maxConcurrent: 2, output: join(dir, 'sweeps'),
      vary: { grid: [
        { name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.2, 2.0] },
        { name: 'wi', paths: ['projections.inh_exc.connector.weights', 'projections.inh_inh.connector.weights'], values: [-12, -6] },
      ] },
      seeds: { policy: 'sequential', base: 0, count: 2 },
    });
    worker = startWorker(temporal.address, { concurrency: 2 });
    await worker.ready;
    const sweep = await spikesweep(['sweep', file], cliEnv(temporal.address)).done;
    assert.equal(sweep.code, 0, sweep.stderr);
    const sweepId = /sweep (small-[0-9a-f]{12})/.exec(sweep.stderr)?.[1];
    assert.ok(sweepId, sweep.stderr);
    assert.ok(sweep.stdout.includes(`report: spikesweep report ${sweepId}`), `the sweep names the report command:\n${sweep.stdout}`);

    const made = await spikesweep(['report', sweepId, '--runs', '0,3', '--metric', 'cv_isi_exc', '--json'], cliEnv(temporal.address)).done;
    assert.equal(made.code, 0, made.stderr);
    const report = made.json as unknown as JsonReport;
    assert.equal(report.kind, 'sweep');
    const ids = ['heatmap', 'rate-vs-we', 'rate-vs-wi'];
    assert.deepEqual(report.figures.map((f) => f.id), ids);
    const page = await checkPage(report.html, ids, ['we', 'wi', 'cv_isi_exc', 'rate (Hz)', 'n = 2', 'No run failed.']);
    assert.match(await page.innerText('#heatmap'), /\d\.\d+ ± \d/, 'cells show mean ± sd');
    await checkPngs(page, report);
    // Run 0 and 3 link to their pages; the others show the command that makes one.
    const links = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['runs/run=0/index.html', 'runs/run=3/index.html']);
    assert.ok((await page.innerText('body')).includes(`spikesweep report ${join(dir, 'sweeps', sweepId, 'runs', 'run=1')}`));
    await screenshot(page, 'sweep-page.png');
    await page.click('a[href="runs/run=3/index.html"]');
    await page.waitForLoadState('load');
    assert.match(await page.innerText('h1'), new RegExp(`run 3 of ${sweepId}`));
    await page.close();
    const runPage = await checkPage(report.runPages['3'], ['raster-density', 'raster-exact', 'rate-exc', 'rate-inh', 'isi', 'cv-isi'], ['time (ms)', 'rate (Hz)', 'we', 'wi']);
    await runPage.close();

    const bad = await spikesweep(['report', join(dir, 'sweeps', sweepId), '--x', 'nope'], cliEnv(temporal.address)).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--x nope: not a varied parameter of .*runs\.parquet \(varied: we, wi\)/);
  });
});

describe('report files', () => {
  test('a page written again replaces its files whole and removes the figures it no longer has, and nothing else', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'spikesweep-report-files-'));
    try {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>';
      const figure = (id: string) => ({ id, title: id, svg });
      await writeFile(join(folder, 'notes.txt'), 'the user\'s');
      await writePage(folder, ['svg', 'html'], [figure('rate-a'), figure('trace-a-v')], () => '<html>first</html>', { queryMs: 0, svgMs: 0 });
      await writePage(folder, ['svg', 'html'], [figure('rate-a'), figure('rate-b')], () => '<html>second</html>', { queryMs: 0, svgMs: 0 });
      assert.deepEqual((await readdir(folder)).sort(), ['.report-files.json', 'index.html', 'notes.txt', 'rate-a.svg', 'rate-b.svg']);
      assert.equal(readFileSync(join(folder, 'index.html'), 'utf8'), '<html>second</html>');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

test('a trace is cut at a phase that does not record, not drawn across it', () => {
  const columns = [10, 20, 40, 50].map((t) => ({ population: 'p', variable: 'v', neuron: 0, t, min: t, max: t }));
  const phases = [{ name: 'a', startMs: 0, endMs: 25, record: true }, { name: 'off', startMs: 25, endMs: 35, record: false }, { name: 'b', startMs: 35, endMs: 60, record: true }];
  const layer = (traceFigure('p', 'v', columns, 60, phases).spec as { layer: { data: { values: { part: string }[] }; encoding: Record<string, unknown> }[] }).layer[0];
  assert.deepEqual(layer.data.values.map((v) => v.part), ['0:0', '0:0', '0:1', '0:1']);
  assert.deepEqual(layer.encoding.detail, { field: 'part', type: 'nominal' });
});
