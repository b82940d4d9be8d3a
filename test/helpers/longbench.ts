import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimRequest } from './sim-server.js';

// Helpers shared by the LongBench end-to-end tests.

/**
 * A deterministic "model": most items get an answer close to the truth, some get a wrong
 * one, so scores land strictly between 0 and 100. Keyed on the prompt text only, so the
 * same prompt always gets the same answer, whichever attempt or process asks.
 */
export function simModel(req: SimRequest): string {
  const p = req.prompt;
  let h = 0;
  for (let i = 0; i < p.length; i++) h = (h * 31 + p.charCodeAt(i)) >>> 0;
  const answers = ['Martha Cole', 'kerosene', 'Paragraph 3', '段落2', '望月桥', 'Count', '体育', '    return 2 * (width + height)', 'The lighthouse is a museum.'];
  return (h % 5 === 0 ? 'I do not know.' : answers[h % answers.length]!) + (h % 7 === 0 ? '\nextra line' : '');
}

/** Writes a run's outputs as pred.py would have (pred/<dataset>.jsonl), read straight from the SQLite file. */
export function exportPredictions(db: string, run: string, dir: string): void {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(
        `SELECT i.dataset, i.seq, i.output, i.target FROM items i JOIN runs r ON r.id = i.run_id
         WHERE r.name = ? AND i.status = 'done' ORDER BY i.dataset, i.seq`,
      )
      .all(run) as { dataset: string; seq: number; output: string; target: string }[];
    mkdirSync(dir, { recursive: true });
    const byDataset = new Map<string, string[]>();
    for (const r of rows) {
      const t = JSON.parse(r.target) as { answers: string[]; all_classes: string[] | null; length: number | null };
      const line = JSON.stringify({ pred: r.output, answers: t.answers, all_classes: t.all_classes, length: t.length });
      byDataset.set(r.dataset, [...(byDataset.get(r.dataset) ?? []), line]);
    }
    for (const [d, lines] of byDataset) writeFileSync(join(dir, `${d}.jsonl`), lines.join('\n') + '\n');
  } finally {
    conn.close();
  }
}

export function itemRows(db: string, run: string): { item_id: string; status: string; output: string | null; score: number | null; error_kind: string | null; attempts: number }[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(`SELECT i.item_id, i.status, i.output, i.score, i.error_kind, i.attempts FROM items i JOIN runs r ON r.id = i.run_id WHERE r.name = ? ORDER BY i.item_id`)
      .all(run) as never;
  } finally {
    conn.close();
  }
}
