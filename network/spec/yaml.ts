// YAML text → plain data plus a locator from field paths to lines, shared by every loader that
// reports located errors (network specs, experiments, parameter trees).
import { LineCounter, parseDocument, isNode, isScalar, type Document } from 'yaml';
import { SpecError } from './errors.js';

// Maps a field path (and, inside a text field such as equations, a line of that text) to its
// line and column in the YAML text.
export type Locator = (path: (string | number)[], fieldLine?: number) => { line: number; column: number } | undefined;

export interface LocatedYaml {
  data: unknown;
  locate: Locator;
}

interface ParsedDocument {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * Parses YAML (or JSON) text; syntax errors throw a SpecError with their line. JSON text is read
 * with JSON.parse and its YAML document (which keeps every node's position, ~100× slower: 9 s for
 * a 3.8 MB spec of listed synapses) is only built when an error needs a line.
 */
export function parseYamlText(text: string, file: string, what?: string): LocatedYaml {
  const json = parseJson(text);
  // JSON.parse keeps the last of duplicate keys; the YAML reader refuses them with their line.
  if (json !== undefined && hasDuplicateKey(text)) parseYaml(text, file, what);
  if (json !== undefined) {
    let parsed: ParsedDocument | undefined;
    return { data: json.value, locate: (path, fieldLine) => locateIn((parsed ??= parseYaml(text, file, what)), path, fieldLine) };
  }
  const parsed = parseYaml(text, file, what);
  let data: unknown;
  try {
    data = parsed.doc.toJS();
  } catch (e) {
    // The YAML reader's own limits (an alias expanded past its budget: a "billion laughs" file).
    throw new SpecError(file, [{ path: [], message: `YAML: ${e instanceof Error ? e.message : String(e)}` }], what);
  }
  return { data, locate: (path, fieldLine) => locateIn(parsed, path, fieldLine) };
}

/** The value of JSON text; undefined for text that is not JSON (YAML then reads it, or says why not). */
function parseJson(text: string): { value: unknown } | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Whether valid JSON text gives some object a key twice (compared as written), in one pass. */
function hasDuplicateKey(text: string): boolean {
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      const keys = open[open.length - 1];
      if (text[next] === ':' && keys) {
        const key = text.slice(i + 1, end);
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = end;
    }
  }
  return false;
}

function parseYaml(text: string, file: string, what?: string): ParsedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(file, doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { path: [], message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
    }), what);
  }
  return { doc, lineCounter };
}

function locateIn({ doc, lineCounter }: ParsedDocument, path: (string | number)[], fieldLine?: number): { line: number; column: number } | undefined {
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
}
