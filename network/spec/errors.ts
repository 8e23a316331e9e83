// Spec problems are collected (not thrown one at a time) and reported together, each with the
// file, the field path and, when the spec came from YAML, the line and column.
export interface SpecIssue {
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
  /** For problems inside a multi-line text field (equations): the line within that field. */
  fieldLine?: number;
}

export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly issues: SpecIssue[],
    /** What the file is, for the headline ('network spec', 'experiment', 'parameter tree'). */
    readonly what = 'network spec',
  ) {
    super(SpecError.format(file, issues, what));
    this.name = 'SpecError';
  }

  static format(file: string, issues: SpecIssue[], what = 'network spec'): string {
    const lines = issues.map((i) => {
      const where = i.line !== undefined ? `${file}:${i.line}:${i.column ?? 1}` : file;
      const field = i.path.length ? ` ${formatPath(i.path)}:` : '';
      return `  ${where}${field} ${i.message}`;
    });
    return `invalid ${what} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
  }
}

export function formatPath(path: (string | number)[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
}
