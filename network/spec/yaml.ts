// YAML text → plain data plus a locator from field paths to lines, shared by every loader that
// reports located errors (network specs, experiments, parameter trees).
import { LineCounter, parseDocument, isNode, isScalar } from 'yaml';
import { SpecError } from './errors.js';

// Maps a field path (and, inside a text field such as equations, a line of that text) to its
// line and column in the YAML text.
export type Locator = (path: (string | number)[], fieldLine?: number) => { line: number; column: number } | undefined;

export interface LocatedYaml {
  data: unknown;
  locate: Locator;
}

/** Parses YAML (or JSON) text; syntax errors throw a SpecError with their line. */
export function parseYamlText(text: string, file: string, what?: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(file, doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { path: [], message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
    }), what);
  }
  const locate: Locator = (path, fieldLine) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        if (fieldLine === undefined || n < path.length) return { line: pos.line, column: pos.col };
        // A block scalar (|) starts on the line after its indicator; a plain or quoted one on it.
        const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
        return { line: pos.line + fieldLine - (block ? 0 : 1), column: 1 };
      }
    }
    return undefined;
  };
  return { data: doc.toJS(), locate };
}
