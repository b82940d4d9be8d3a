// The official reading of an agent turn (AgentBench v0.2 dbbench start_sample):
//   action = re.search(r"Action: (.*?)\n", res)
//   "Operation" (exactly) → the first ```sql\n…\n``` block, stripped, newlines → spaces;
//                            no block → the episode fails as invalid format
//   anything else          → re.search(r"\nFinal Answer:(.*)", res): the rest of that line
//                            is the answer (even without "Action: Answer"); none → invalid
// Python's `.` stops only at \n, so [^\n] stands for it here.

export type AgentAction =
  | { kind: 'operation'; sql: string }
  | { kind: 'answer'; answer: string }
  | { kind: 'invalid'; reason: string };

export function parseAction(text: string): AgentAction {
  const action = /Action: ([^\n]*?)\n/.exec(text);
  if (action && action[1] === 'Operation') {
    const block = /```sql\n([\s\S]*?)\n```/.exec(text);
    if (!block) return { kind: 'invalid', reason: 'Action: Operation without a ```sql block' };
    return { kind: 'operation', sql: pyStrip(block[1]!).replace(/\n/g, ' ') };
  }
  const answer = /\nFinal Answer:([^\n]*)/.exec(text);
  if (answer) return { kind: 'answer', answer: answer[1]! };
  return { kind: 'invalid', reason: action ? `no "Final Answer:" line after "Action: ${action[1]}"` : 'neither "Action: Operation" nor "Final Answer:"' };
}

/** Python str.strip(): Unicode whitespace, as JS trim() (plus the separators \x1c-\x1f Python also strips). */
export function pyStrip(s: string): string {
  return s.replace(/^[\s\x1c-\x1f]+|[\s\x1c-\x1f]+$/g, '');
}
