import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SHARED } from './cli.js';

// Helpers shared by the LongBench v2 tests: a project-made data.json, pred.py's prompt
// filling run by python3 itself, and result.py run on a run's exported outputs.

export const V2_SHARED = join(SHARED, 'data/longbench/v2');
export const OFFICIAL_SCRIPT = join(ROOT, 'scripts/official-v2-result.py');

export interface V2Record {
  _id: string;
  domain: string;
  sub_domain: string;
  difficulty: 'easy' | 'hard';
  length: 'short' | 'medium' | 'long';
  question: string;
  choice_A: string;
  choice_B: string;
  choice_C: string;
  choice_D: string;
  answer: 'A' | 'B' | 'C' | 'D';
  context: string;
}

const GROUPS: Array<[V2Record['difficulty'], V2Record['length']]> = [
  ['easy', 'short'],
  ['hard', 'short'],
  ['easy', 'medium'],
  ['hard', 'medium'],
  ['hard', 'long'],
  ['easy', 'long'],
  ['hard', 'long'],
  ['hard', 'medium'],
];

/**
 * Eight questions; each question names itself ("Question-K") so a scripted model can tell
 * them apart. The contexts hold what a naive fill gets wrong: surrounding whitespace, a
 * literal "$Q$" and "$C_A$" (pred.py replaces them too: its replaces are sequential), JS
 * replacement patterns ("$&", "$1", "$$"), U+2019 and non-BMP text.
 */
export function v2Records(): V2Record[] {
  const letters = ['A', 'B', 'C', 'D'] as const;
  return GROUPS.map(([difficulty, length], k) => ({
    _id: `v2test${k}`,
    domain: k % 2 ? 'Multi-Document QA' : 'Single-Document QA',
    sub_domain: 'evalh test',
    difficulty,
    length,
    question: `  Question-${k}: which statement does the text support?\n`,
    choice_A: ` Statement ${k}a `,
    choice_B: `Statement ${k}b`,
    choice_C: `Statement ${k}c\t`,
    choice_D: `Statement ${k}d`,
    answer: letters[(k * 3) % 4]!,
    context:
      k === 0
        ? '\n\n  The marker $Q$ sits in the document, next to $C_A$, $& and $1 and $$.  \n'
        : k === 1
          ? ' Let’s read: the river’s source is 😀 far away. '
          : `Document ${k}. ${'The harbour was closed in the autumn. '.repeat(k + 2)}`,
  }));
}

export function writeData(dir: string, records: V2Record[] = v2Records()): string {
  const file = join(dir, 'data.json');
  writeFileSync(file, JSON.stringify(records, null, 1));
  return file;
}

/** pred.py's fill, run by python3 on the official template files: prompts by _id. */
export function pythonPrompts(dataFile: string, template: string, cot?: Record<string, string>, cotTemplate?: string): Record<string, string> {
  const code = `
import json, sys
data = json.load(open(sys.argv[1], encoding='utf-8'))
template = open(sys.argv[2], encoding='utf-8').read()
cot = json.loads(sys.argv[3])
out = {}
for item in data:
    context = item['context']
    prompt = template.replace('$DOC$', context.strip()).replace('$Q$', item['question'].strip()).replace('$C_A$', item['choice_A'].strip()).replace('$C_B$', item['choice_B'].strip()).replace('$C_C$', item['choice_C'].strip()).replace('$C_D$', item['choice_D'].strip())
    if item['_id'] in cot:
        prompt = prompt.replace('$COT$', cot[item['_id']].strip())
    out[item['_id']] = prompt
sys.stdout.write(json.dumps(out))
`;
  const t = join(V2_SHARED, 'prompts', cotTemplate ?? template);
  return JSON.parse(execFileSync('python3', ['-c', code, dataFile, t, JSON.stringify(cot ?? {})], { encoding: 'utf8' })) as Record<string, string>;
}

/**
 * Writes a run's done items as pred.py's results file (the output as the model's response),
 * then runs the official fill + result.py on it: the scores result.py gives those outputs.
 */
export function officialScores(db: string, run: string, dir: string): Record<string, number> {
  const conn = new Database(db, { readonly: true });
  const rows = conn
    .prepare(`SELECT i.output, i.target FROM items i JOIN runs r ON r.id = i.run_id WHERE r.name = ? AND i.status = 'done' ORDER BY i.seq`)
    .all(run) as { output: string; target: string }[];
  conn.close();
  const responses = join(dir, `${run}-responses.jsonl`);
  writeFileSync(
    responses,
    rows.map((r) => JSON.stringify({ ...(JSON.parse(r.target) as Record<string, unknown>), output: r.output }) + '\n').join(''),
  );
  const results = join(dir, `${run}.jsonl`);
  writeFileSync(results, execFileSync('python3', [OFFICIAL_SCRIPT, 'fill', responses], { encoding: 'utf8' }));
  const out = execFileSync('python3', [OFFICIAL_SCRIPT, 'score', results], { encoding: 'utf8' }).trim().split('\n');
  return JSON.parse(out[out.length - 1]!) as Record<string, number>;
}

export function itemRows(db: string, run: string): { item_id: string; status: string; output: string | null; score: number | null; error_kind: string | null; transcript: string | null }[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(`SELECT i.item_id, i.status, i.output, i.score, i.error_kind, i.transcript FROM items i JOIN runs r ON r.id = i.run_id WHERE r.name = ? ORDER BY i.seq`)
      .all(run) as never;
  } finally {
    conn.close();
  }
}
