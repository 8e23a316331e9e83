// The custom search attributes of workflows/contract.ts, as `temporal server start-dev` flags and
// as an operator-service registration (for a db created before an attribute was added).
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { searchAttributes } from '../../workflows/contract.js';

/** The dev server's `--search-attribute Name=Type` type names. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** temporal.api.enums.v1.IndexedValueType numbers (the operator service's wire values). */
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

export interface SearchAttributeDef {
  name: string;
  type: SearchAttributeType;
}

export function contractSearchAttributes(): SearchAttributeDef[] {
  return Object.values(searchAttributes).map((k) => ({ name: k.name, type: k.type }));
}

/** `['--search-attribute', 'SpikesweepSweepId=Keyword', …]` for every attribute of the contract. */
export function searchAttributeFlags(defs: SearchAttributeDef[] = contractSearchAttributes()): string[] {
  return defs.flatMap((d) => ['--search-attribute', `${d.name}=${CLI_TYPE[d.type]}`]);
}

/** Registers the attributes the namespace lacks; returns the names it added. */
export async function ensureSearchAttributes(connection: Connection, namespace: string, defs: SearchAttributeDef[] = contractSearchAttributes()): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = defs.filter((d) => !known.has(d.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((d) => [d.name, INDEXED_VALUE_TYPE[d.type]])),
  });
  return missing.map((d) => d.name);
}
