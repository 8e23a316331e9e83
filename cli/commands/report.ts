// `spikesweep report <run-dir | sweep-id | sweep-dir>`: the HTML page and figure files of a run or
// of a sweep (report/), and where they went.
import { writeReport } from '../../report/index.js';
import { reportError } from '../errors.js';
import type { ReportCliOptions } from '../options.js';
import { sweepFolderOf } from '../sweep-folder.js';

export async function reportCommand(arg: string, options: ReportCliOptions): Promise<number> {
  try {
    const dir = await sweepFolderOf(arg);
    const report = await writeReport(dir, { out: options.out, formats: options.format, metric: options.metric, x: options.x, y: options.y, runs: options.runs, rasterCap: options.rasterCap });
    const runPages = Object.fromEntries([...report.runPages].map(([i, p]) => [i, p.html]));
    if (options.json) process.stdout.write(`${JSON.stringify({ kind: report.kind, html: report.page.html, figures: report.page.figures, runPages, timings: report.page.timings })}\n`);
    else {
      const where = report.page.html ?? report.page.figures.map((f) => f.svg ?? f.png).join(', ');
      process.stdout.write(`${report.kind} report: ${where}\n${Object.values(runPages).map((p) => `  run page: ${p}\n`).join('')}`);
    }
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  }
}
