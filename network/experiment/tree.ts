// Parameter trees with hierarchical inheritance, as in NEST nets' ParamsTree.
//
// A node is a YAML mapping. In it:
//   - the key `params` holds the node's own parameters (a mapping, or empty/null);
//   - any other key whose value is a mapping, or null, is a child node;
//   - any other key whose value is a scalar or a list is a parameter of the node (shorthand for
//     writing it under `params`). Lists and scalars are values, never children.
// A node's resolved params are its ancestors' params merged root first, then its own: the
// deepest definition of a key wins. The merge is shallow: a value (a list, a mapping under
// `params` such as a distribution) is inherited or replaced whole, never merged key by key.
import { SpecError, type SpecIssue } from '../spec/errors.js';
import type { Locator } from '../spec/yaml.js';

export type Params = Record<string, unknown>;
/** A path of mapping keys (and list indices) from the document root. */
export type TreePath = (string | number)[];

export interface ResolvedTree {
  /** The node's key in its parent (the last element of `path`; '' for a document root). */
  name: string;
  /** Where the node is in the YAML document. */
  path: TreePath;
  /** Parameters written on this node itself. */
  own: Params;
  /** Every parameter in force at this node: ancestors' params, then its own (deepest wins). */
  params: Params;
  /** For each key of `params`, the document path of the definition that won. */
  origins: Record<string, TreePath>;
  /** Child nodes, in document order. */
  children: Record<string, ResolvedTree>;
}

/** The plain, same-shape form of a resolved tree: `{ params: <resolved>, <child>: {...}, … }`. */
export interface PlainTree {
  params: Params;
  [child: string]: PlainTree | Params;
}

export interface ResolveOptions {
  /** Where the node sits in its document (prefixes every path, for messages and lines). */
  path?: TreePath;
  /** Parameters inherited from above the node. */
  inherited?: Params;
  inheritedOrigins?: Record<string, TreePath>;
  /** For error messages: the file and a locator of document paths (see parseYamlText). */
  file?: string;
  locate?: Locator;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Resolves a parameter tree. Problems (a node or `params` that is not a mapping, a parameter
 * written both under `params` and beside it) are collected and thrown together as a SpecError
 * naming each tree path and, when a locator is given, its line.
 */
export function resolveTree(node: unknown, options: ResolveOptions = {}): ResolvedTree {
  const issues: SpecIssue[] = [];
  const tree = resolveInto(node, options.path ?? [], options.inherited ?? {}, options.inheritedOrigins ?? {}, issues);
  if (issues.length > 0) throw locatedError(options.file ?? '<tree>', issues, options.locate, 'parameter tree');
  return tree;
}

/** Like resolveTree, but reports problems into `issues` instead of throwing. */
export function resolveTreeInto(node: unknown, path: TreePath, issues: SpecIssue[], inherited: Params = {}, inheritedOrigins: Record<string, TreePath> = {}): ResolvedTree {
  return resolveInto(node, path, inherited, inheritedOrigins, issues);
}

// A name every JavaScript object answers to as its prototype: as a key it would be assigned to
// the prototype, not stored, and vanish.
const PROTO = '__proto__';
const PROTO_MESSAGE = "'__proto__' cannot name a parameter or a node";

function resolveInto(node: unknown, path: TreePath, inherited: Params, inheritedOrigins: Record<string, TreePath>, issues: SpecIssue[]): ResolvedTree {
  const name = path.length ? String(path[path.length - 1]) : '';
  const own: Params = {};
  const ownOrigins: Record<string, TreePath> = {};
  const childNodes: [string, unknown][] = [];
  if (node !== null && node !== undefined && !isMapping(node)) {
    issues.push({ path, message: `expected a tree node (a mapping of params and child nodes), got ${describe(node)}` });
  } else if (isMapping(node)) {
    const params = node.params;
    if (params !== null && params !== undefined && !isMapping(params)) {
      issues.push({ path: [...path, 'params'], message: `'params' must be a mapping of parameter names to values, got ${describe(params)}` });
    } else if (isMapping(params)) {
      for (const [key, value] of Object.entries(params)) {
        if (key === PROTO) { issues.push({ path: [...path, 'params', key], message: PROTO_MESSAGE }); continue; }
        own[key] = value;
        ownOrigins[key] = [...path, 'params', key];
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'params') continue;
      if (key === PROTO) { issues.push({ path: [...path, key], message: PROTO_MESSAGE }); continue; }
      if (value === null || isMapping(value)) {
        childNodes.push([key, value]);
      } else if (Object.hasOwn(own, key)) {
        issues.push({ path: [...path, key], message: `'${key}' is given both here and under params (${formatTreePath([...path, 'params', key])})` });
      } else {
        own[key] = value;
        ownOrigins[key] = [...path, key];
      }
    }
  }
  const params = { ...inherited, ...own };
  const origins = { ...inheritedOrigins, ...ownOrigins };
  const children: Record<string, ResolvedTree> = {};
  for (const [key, value] of childNodes) children[key] = resolveInto(value, [...path, key], params, origins, issues);
  return { name, path, own, params, origins, children };
}

/** The resolved tree in plain form (what `spikesweep tree` prints). */
export function toPlainTree(tree: ResolvedTree): PlainTree {
  const plain: PlainTree = { params: tree.params };
  for (const [key, child] of Object.entries(tree.children)) plain[key] = toPlainTree(child);
  return plain;
}

/** The leaves below a node (the node itself when it has no children), in document order. */
export function treeLeaves(tree: ResolvedTree): ResolvedTree[] {
  const children = Object.values(tree.children);
  return children.length === 0 ? [tree] : children.flatMap(treeLeaves);
}

/**
 * The items a section tree defines: its leaves below the section root, by name. Two leaves with
 * one name are reported (their names must be unique in the section, wherever they sit).
 */
export function namedLeaves(section: ResolvedTree, issues: SpecIssue[]): Map<string, ResolvedTree> {
  const found = new Map<string, ResolvedTree>();
  if (Object.keys(section.children).length === 0) return found;
  for (const leaf of treeLeaves(section)) {
    const other = found.get(leaf.name);
    if (other) issues.push({ path: leaf.path, message: `a second leaf named '${leaf.name}' (the first is ${formatTreePath(other.path)}); leaf names must be unique in ${formatTreePath(section.path) || 'the tree'}` });
    else found.set(leaf.name, leaf);
  }
  return found;
}

/** The node at a dotted path below `tree` ('layers.exc'), or undefined. */
export function findNode(tree: ResolvedTree, path: string[]): ResolvedTree | undefined {
  let node: ResolvedTree | undefined = tree;
  for (const key of path) node = node?.children[key];
  return node;
}

export function formatTreePath(path: TreePath): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  const text = JSON.stringify(value);
  // A binary file read as YAML is one long string: its first characters say enough.
  return `${typeof value} ${text.length > 80 ? `${text.slice(0, 60)}… (${text.length} characters)` : text}`;
}

/** Issues → one SpecError, each issue with its line when the locator knows it. */
export function locatedError(file: string, issues: SpecIssue[], locate: Locator | undefined, what: string): SpecError {
  return new SpecError(file, mergeIssues(issues).map((i) => (i.line === undefined && locate ? { ...locate(i.path, i.fieldLine), ...i } : i)), what);
}

/**
 * One issue per place and problem: an inherited value that is wrong for several items (each
 * message ending in "(<item>)") is reported once, naming the items: "… (a; b; c)".
 */
export function mergeIssues(issues: SpecIssue[]): SpecIssue[] {
  const groups = new Map<string, { issue: SpecIssue; base: string; abouts: string[] }>();
  for (const issue of issues) {
    const m = /^(.*?)\s\(([^()]*)\)$/s.exec(issue.message);
    const base = m ? m[1] : issue.message;
    const key = `${JSON.stringify(issue.path)}\u0000${issue.fieldLine ?? ''}\u0000${base}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { issue, base, abouts: m ? [m[2]] : [] });
    else if (m && !group.abouts.includes(m[2])) group.abouts.push(m[2]);
  }
  return [...groups.values()].map(({ issue, base, abouts }) => {
    if (abouts.length <= 1) return issue;
    const shown = abouts.length > 4 ? [...abouts.slice(0, 3), `${abouts.length - 3} more`] : abouts;
    return { ...issue, message: `${base} (${shown.join('; ')})` };
  });
}
