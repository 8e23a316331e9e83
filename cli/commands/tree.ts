// `spikesweep tree <file> [--json] [--node path]`: the file's parameter trees with every node's
// params resolved (inherited from its ancestors, deepest wins). Bad input: a located message on
// stderr and exit code 2.
import { stringify } from 'yaml';
import { readSpecFile, resolvedTreeOfText } from '../../network/experiment/load.js';
import { SpecError } from '../../network/spec/errors.js';
import { reportError } from '../errors.js';
import type { TreeCliOptions } from '../options.js';

export async function treeCommand(file: string, options: TreeCliOptions): Promise<number> {
  try {
    let tree: unknown = resolvedTreeOfText(readSpecFile(file, 'parameter tree'), file);
    if (options.node !== undefined) {
      const path = options.node.split('.').filter((k) => k !== '');
      for (const [k, key] of path.entries()) {
        const node: unknown = typeof tree === 'object' && tree !== null && !Array.isArray(tree) && key !== 'params' ? (tree as Record<string, unknown>)[key] : undefined;
        if (node === undefined) {
          const here = typeof tree === 'object' && tree !== null && !Array.isArray(tree) ? Object.keys(tree).filter((c) => c !== 'params') : [];
          throw new SpecError(file, [{ path: path.slice(0, k + 1), message: `no node '${key}' here (${here.length ? `children: ${here.join(', ')}` : 'no children'})` }], 'parameter tree');
        }
        tree = node;
      }
    }
    process.stdout.write(options.json ? `${JSON.stringify(tree, null, 2)}\n` : stringify(tree, { lineWidth: 0 }));
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json, specFile: file });
  }
}
