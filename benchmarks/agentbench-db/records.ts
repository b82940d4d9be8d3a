// One dbbench item as the official data file holds it (only the fields the task reads).

/** A table cell: text, a number kept as written in the JSON (2.0 stays "2.0"), or null/bool. */
export type Cell = string | { num: string } | null | boolean;

export const WRITE_TYPES = ['INSERT', 'UPDATE'] as const;
export const SELECT_TYPES = ['other', 'counting', 'comparison', 'ranking', 'aggregation-SUM', 'aggregation-MIN', 'aggregation-MAX', 'aggregation-AVG'] as const;

export interface DbRecord {
  description: string;
  addDescription: string;
  tableName: string;
  columns: string[];
  rows: Cell[][];
  /** type[0]: INSERT, UPDATE or a SELECT category (counting, ranking, …). */
  type: string;
  /** Answers (SELECT types) or gold SQL statements (INSERT/UPDATE). */
  label: string[];
  /** "[('<md5>',)]" for INSERT/UPDATE. */
  answerMd5?: string;
}

/** What scoring needs, stored with the item. */
export interface Target {
  type: string;
  label: string[];
  answerMd5?: string;
}

export function isWrite(type: string): boolean {
  return (WRITE_TYPES as readonly string[]).includes(type);
}

/** The official metric's task group: INSERT, UPDATE, or SELECT for every other type. */
export function groupOf(type: string): 'select' | 'insert' | 'update' {
  return type === 'INSERT' ? 'insert' : type === 'UPDATE' ? 'update' : 'select';
}
