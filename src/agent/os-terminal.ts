// Turning what a terminal printed into text for the agent: ANSI stripped, line ends normalised,
// the observation truncated the way AgentBench does.

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), other two-byte escapes (ESC ( B, ESC =, …),
// and 8-bit CSI.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\-_=>]|\x9b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Terminal output → plain text: ANSI sequences removed, CRLF → LF, stray CR, BEL and backspace-erase dropped. */
export function cleanTerminal(text: string): string {
  let out = stripAnsi(text).replace(/\r+\n/g, '\n').replace(/\r/g, '').replace(/\x07/g, '');
  // "a\bb" as a terminal shows it (overstrike from man pages, progress spinners)
  while (/[^\b\n]\x08/.test(out)) out = out.replace(/[^\b\n]\x08/g, '');
  return out.replace(/\x08/g, '');
}

/** What AgentBench keeps of an output longer than 800 code points: the first 780 and a note. */
export const OBSERVATION_LIMIT = 800;
export const OBSERVATION_KEEP = 780;

/** The user turn after a bash action (AgentBench v0.2 os_interaction). Lengths are in code points, as in Python. */
export function formatObservation(output: string): string {
  const chars = Array.from(output);
  let text = output;
  if (chars.length > OBSERVATION_LIMIT) text = chars.slice(0, OBSERVATION_KEEP).join('') + '\n[truncated because the output is too long]';
  return text ? `The output of the OS:\n\n${text}` : 'The output of the OS is empty.';
}
