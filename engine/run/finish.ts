// The end of a run: the spike hash, the single layout's files closed (the parts layout committed
// its last part in the loop), the report, then manifest.json — written last, so it marks a
// finished run.
import type { LiveRun } from './live-run.js';
import { manifestFiles, runManifest } from './manifest.js';
import type { RunReport } from './options.js';
import { runReport } from './report.js';
import { sumTimings } from './timings.js';

export async function finishRun(live: LiveRun, sessionStarted: number): Promise<RunReport> {
  const { s } = live;
  const started = performance.now();
  const spikesSha256 = live.hasher.digest();
  const single = live.files.layout === 'single' ? await live.files.publishSingle() : null;
  const files = manifestFiles(live, single);
  const hasState = single ? single.state !== null : live.parts.some((p) => p.state);
  const hasBold = single ? single.bold !== null : live.parts.some((p) => p.bold);
  live.timings.write += performance.now() - started;
  const total = sumTimings(live.before, live.timings);
  const report = runReport(live, total, spikesSha256, { state: hasState, bold: hasBold });
  await live.files.writeManifest(await runManifest(live, report, total, files, sessionStarted));
  await live.files.removeStale();
  s.log.info({ runId: s.runId, spikesSha256, timings: report.timings }, 'run finished');
  return report;
}
