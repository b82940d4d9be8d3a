/**
 * What the user typed for `flag` (yargs turns `--limit abc` into NaN and forgets "abc"),
 * for messages that quote the input back.
 */
export function typed(flag: string, value: unknown, argv = process.argv.slice(2)): string {
  if (!Number.isNaN(value)) return String(value);
  for (let i = argv.length - 1; i >= 0; i--) {
    const a = argv[i]!;
    if (a.startsWith(`${flag}=`)) return JSON.stringify(a.slice(flag.length + 1));
    if (a === flag) return i + 1 < argv.length ? JSON.stringify(argv[i + 1]) : 'nothing';
  }
  return 'not a number';
}
