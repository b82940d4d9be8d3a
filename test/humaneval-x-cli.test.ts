import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findToolchain, missingFor } from '../benchmarks/humaneval-x/execute.js';
import { LANGUAGE_NAMES, type Language } from '../benchmarks/humaneval-x/languages.js';
import { SAMPLE_DIR, findLanguageFile } from '../benchmarks/humaneval-x/load.js';
import type { Problem } from '../benchmarks/humaneval-x/records.js';
import { allSuites } from '../src/suites.js';
import { SHARED, cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

// `evalh run|import humaneval-x` through the built CLI, with the real sandbox.

const registered = allSuites().some((s) => s.name === 'humaneval-x');
const bwrap = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();
const tc = findToolchain();
const toolsMissing = LANGUAGE_NAMES.map((l) => missingFor(l, { file: '', source: '' }, tc)).filter(Boolean);
const ready = registered && bwrap !== undefined && toolsMissing.length === 0;
if (!ready) {
  console.warn(
    `[humaneval-x-cli] skipped: ${[!registered && 'humaneval-x is not registered in src/suites.ts', !bwrap && 'bwrap not found', ...toolsMissing].filter(Boolean).join('; ')}`,
  );
}
const DATA = join(SHARED, 'data', 'humaneval-x');
const haveData = existsSync(join(DATA, 'humaneval_python.jsonl.gz'));

type Doc = { run: string; status: string; scores: Record<string, Record<string, number>>; items: { done: number; error: number }; labels?: string[]; notEvaluable?: unknown };

function setup() {
  const cwd = tempDir('evalh-hx-cli-');
  return { cwd, env: cliEnv(join(cwd, 'data-home')) };
}

const sample = (lang: Language): Problem[] =>
  readFileSync(findLanguageFile(SAMPLE_DIR, lang)!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Problem);

// What a base model might continue the (stripped) prompt with: the right body followed by
// more code the cleaning must cut (S0, S1), or a wrong body (S2, S3).
const TRAILER: Record<Language, string> = {
  python: '\n\n\ndef main():\n    print(1)\n',
  cpp: '\nint main() {\n    return 0;\n}\n',
  java: '\n\n    public static void main(String[] args) {}\n}\n',
  js: '\nconsole.log(1);\n',
  go: '\nfunc main() {\n}\n',
};
const WRONG: Record<Language, string> = {
  python: '    return None\n',
  cpp: '    return {};\n}\n',
  java: '        return null;\n    }\n}\n',
  js: '  return undefined;\n}\n',
  go: '    var zero int\n    return zero\n}\n',
};

function completions(): Map<string, string> {
  const m = new Map<string, string>();
  for (const lang of LANGUAGE_NAMES) {
    for (const p of sample(lang)) {
      const right = p.task_id.endsWith('/S0') || p.task_id.endsWith('/S1');
      // The prompt was stripped, so the continuation starts on the prompt's last line.
      m.set(p.prompt.trim(), '\n' + (right ? p.canonical_solution.replace(/\n+$/, '') + TRAILER[lang] : WRONG[lang]));
    }
  }
  return m;
}

let servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe.skipIf(!ready)('evalh humaneval-x through the CLI', () => {
  it('run --sample --runner reference: every language 100, labelled as the sample', async () => {
    const { cwd, env } = setup();
    const r = await runCli(['run', 'humaneval-x', '--sample', '--runner', 'reference', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.status).toBe('completed');
    expect(doc.labels).toEqual(['sample, not the official benchmark']);
    expect(doc.scores).toEqual(Object.fromEntries([...LANGUAGE_NAMES, 'overall'].map((l) => [l, { 'pass@1': 100 }])));
    const text = await runCli(['show', doc.run], { cwd, env });
    expect(text.code, text.stderr).toBe(0);
  });

  it('run against a completion server: outputs are cleaned, scored, and the table shows pass@1 per language', async () => {
    const answers = completions();
    const server = await startSimServer({ respond: (q) => answers.get(q.prompt) ?? 'unknown prompt' });
    servers.push(server);
    const { cwd, env } = setup();
    const r = await runCli(['run', 'humaneval-x', '--sample', '--endpoint', server.url, '--model', 'sim-model', '--name', 'sim'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/python\s+4\s+4\s+50\.00/);
    expect(r.stdout).toMatch(/overall \(mean of languages\)\s+50\.00/);
    const reqs = server.requests.filter((q) => q.path === '/v1/completions');
    expect(reqs).toHaveLength(20);
    expect(reqs.every((q) => q.body.max_tokens === 1024 && q.body.temperature === 0)).toBe(true);
    expect(reqs.every((q) => q.body.stop === undefined)).toBe(true);
  });

  it('--api chat: the first fenced block is the generation', async () => {
    const server = await startSimServer({
      respond: (q) =>
        q.prompt.includes('def add(')
          ? 'Sure:\n```python\ndef add(x: int, y: int) -> int:\n    return x + y\n```\n'
          : 'I am not sure.\n```python\ndef nothing():\n    pass\n```',
    });
    servers.push(server);
    const { cwd, env } = setup();
    const r = await runCli(['run', 'humaneval-x', '--sample', '--datasets', 'python', '--endpoint', server.url, '--model', 'sim-model', '--api', 'chat', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json<Doc>(r).scores.python).toEqual({ 'pass@1': 25 });
    expect(server.requests.filter((q) => q.path === '/v1/chat/completions')).toHaveLength(4);
  });

  it('import of an official sample file (several samples per task, mixed languages) equals replay of it', async () => {
    const { cwd, env } = setup();
    const lines: string[] = [];
    for (const lang of LANGUAGE_NAMES) {
      for (const p of sample(lang)) {
        // Official generations are already cleaned: S0 right, the rest wrong; then a second sample, right for S0 and S1.
        lines.push(JSON.stringify({ task_id: p.task_id, generation: p.task_id.endsWith('/S0') ? p.canonical_solution : WRONG[lang] }));
      }
    }
    const one = join(cwd, 'samples.jsonl');
    writeFileSync(one, lines.join('\n') + '\n');
    const imp = await runCli(['import', 'humaneval-x', one, '--name', 'imported', '--json'], { cwd, env });
    expect(imp.code, imp.stderr).toBe(0);
    const scores = json<Doc>(imp).scores;
    expect(scores).toEqual(Object.fromEntries([...LANGUAGE_NAMES, 'overall'].map((l) => [l, { 'pass@1': 25 }])));
    // Every problem of the sample in every language: a whole import of the sample's set.
    const cov = json<Doc & { coverage: { have: number; of: number; partial: boolean; parts: { name: string }[] } }>(imp);
    expect(cov.status).toBe('completed');
    expect(cov.coverage).toMatchObject({ have: 20, of: 20, partial: false });
    expect(cov.coverage.parts.map((p) => p.name).sort()).toEqual(LANGUAGE_NAMES.map((l) => `${l} (sample)`).sort());
    const pyOnly = join(cwd, 'python-only.jsonl');
    writeFileSync(pyOnly, `${lines.find((l) => l.includes('"Python/S0"'))}\n`);
    const part = await runCli(['import', 'humaneval-x', pyOnly, '--name', 'one-problem'], { cwd, env });
    expect(part.code, part.stderr).toBe(0);
    expect(part.stdout.split('\n')[0]).toBe('run one-problem (humaneval-x, partial: 1 of 4 problems)');
    const replay = await runCli(['run', 'humaneval-x', '--sample', '--runner', 'replay', '--predictions', one, '--name', 'replayed', '--json'], { cwd, env });
    expect(replay.code, replay.stderr).toBe(0);
    expect(json<Doc>(replay).scores).toEqual(scores);

    const two = join(cwd, 'samples2.jsonl');
    const second = LANGUAGE_NAMES.flatMap((lang) =>
      sample(lang).map((p) => JSON.stringify({ task_id: p.task_id, generation: /\/S[01]$/.test(p.task_id) ? p.canonical_solution : WRONG[lang] })),
    );
    writeFileSync(two, [...lines, ...second].join('\n') + '\n');
    const imp2 = await runCli(['import', 'humaneval-x', two, '--name', 'imported-2', '--json'], { cwd, env });
    expect(imp2.code, imp2.stderr).toBe(0);
    // Per problem c/n with n=2: S0 2/2, S1 1/2, S2 0, S3 0 → (1 + 0.5) / 4.
    expect(json<Doc>(imp2).scores.python).toEqual({ 'pass@1': 37.5 });
  });

  it('bad input exits 2 naming file, line and field, and writes nothing', async () => {
    const { cwd, env } = setup();
    const f = join(cwd, 'bad.jsonl');
    writeFileSync(f, JSON.stringify({ task_id: 'Python/S0', generation: 'x' }) + '\n' + JSON.stringify({ task_id: 'Python/S1' }) + '\n');
    const r = await runCli(['import', 'humaneval-x', f, '--json'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl, line 2, field "generation"/);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);
    const p = await runCli(['run', 'humaneval-x', '--sample', '--runner', 'reference', '--preset', 'n7'], { cwd, env });
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/unknown humaneval-x preset "n7"/);
  });

  it.skipIf(!haveData)('official problems from --data: the first 10 canonical solutions per language, JS/112 excluded by the limit', async () => {
    const { cwd, env } = setup();
    const r = await runCli(['run', 'humaneval-x', '--data', DATA, '--runner', 'reference', '--limit', '10', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.labels ?? []).toEqual([]);
    expect(doc.scores).toEqual(Object.fromEntries([...LANGUAGE_NAMES, 'overall'].map((l) => [l, { 'pass@1': 100 }])));
  });
});
