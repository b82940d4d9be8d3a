import type { OsAction } from '../../src/agent/os-task.js';

// AgentBench v0.2 extract_action: every "Act:" line is a candidate and the last one that is a
// valid action wins ("answer" needs a pair of parentheses on its line, or the line before it is
// tried). A bash action runs every ```bash block of the turn, joined by a blank line.

export function parseAction(raw: string): OsAction {
  const acts = [...raw.matchAll(/Act:\s*([^\n]+)/g)].map((m) => m[1]!);
  for (const act of acts.reverse()) {
    const lower = act.toLowerCase();
    if (lower.startsWith('bash')) {
      const blocks = [...raw.matchAll(/```bash\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
      return { action: 'bash', content: blocks.join('\n\n') };
    }
    if (lower.startsWith('finish')) return { action: 'commit' };
    if (lower.startsWith('answer')) {
      const content = act.slice(6).trim();
      const left = content.indexOf('(');
      const right = content.lastIndexOf(')');
      if (left === -1 || right === -1) continue;
      return { action: 'commit', content: content.slice(left + 1, right) };
    }
  }
  return { action: null };
}
