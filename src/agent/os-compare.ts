// The standard check comparators of AgentBench OS (scripts/*/check/{integer,string,size}-match.py),
// which are not distributed with the data: evalh implements them with the scripts' exact semantics,
// including Python's int() and size-match's unit order. argv[0] is the agent's answer, argv[1] the
// example's output. true = exit 0.

import type { BuiltinComparator } from './os-task.js';

/** Python int(str): surrounding whitespace, an optional sign, digits with single underscores between them. */
export function pyInt(text: string): bigint {
  const s = text.replace(/^[\s\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\s\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
  if (!/^[+-]?\d+(_\d+)*$/.test(s)) throw new Error(`invalid literal for int() with base 10: '${text}'`);
  return BigInt(s.replace(/_/g, ''));
}

// size-match.py checks the units in this order and takes the first suffix that matches, so "10KB"
// ends with "B" and fails to parse ("10K" is not an int): kept as is.
const SIZE_UNITS: [string, bigint][] = [
  ['B', 1n],
  ['Byte', 1n],
  ['K', 1024n],
  ['KB', 1024n],
  ['M', 1024n ** 2n],
  ['MB', 1024n ** 2n],
  ['G', 1024n ** 3n],
  ['GB', 1024n ** 3n],
  ['T', 1024n ** 4n],
  ['TB', 1024n ** 4n],
  ['P', 1024n ** 5n],
  ['PB', 1024n ** 5n],
];

export function pySize(text: string): bigint {
  const s = text.trim();
  for (const [unit, factor] of SIZE_UNITS) {
    if (s.endsWith(unit)) return pyInt(s.slice(0, -unit.length)) * factor;
  }
  return pyInt(s);
}

const normNewline = (s: string): string => s.replace(/\r\n/g, '\n').replace(/\r/g, '\n');

export function compare(name: BuiltinComparator, argv: string[]): boolean {
  // a missing argv entry is an IndexError in the script: exit 1
  if (argv.length < 2) return false;
  try {
    switch (name) {
      case 'integer-match':
        return pyInt(argv[0]!) === pyInt(argv[1]!);
      case 'string-match':
        return normNewline(argv[0]!).trim() === normNewline(argv[1]!).trim();
      case 'size-match':
        return pySize(argv[0]!) === pySize(argv[1]!);
    }
  } catch {
    return false; // a ValueError in the script: exit 1
  }
}

/** The comparator a script file names, if evalh implements it. */
export function builtinFor(file: string): BuiltinComparator | undefined {
  const m = /(?:^|\/)check\/(integer-match|string-match|size-match)\.py$/.exec(file);
  return m ? (m[1] as BuiltinComparator) : undefined;
}
