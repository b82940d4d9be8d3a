import { isPySpace } from '../../src/metrics/pystr.js';
import type { Language } from './languages.js';

// Turning a model's output into the `generation` that the official evaluation runs.
//
// CodeGeeX2 generates in one of two modes: completion (the raw prompt continued; a stopping
// criterion checked after every token, then cleanup_code) and instruction (a chat answer;
// the body of its first fenced code block). An OpenAI-compatible server only knows stop
// strings, so evalh asks for the whole completion and applies the stopping criterion
// afterwards, at the first character where it holds (the official check runs after each
// token, so it sees the same text or, when one token carries several characters, a little
// more — which cleanup_code then cuts away again; the one divergence is a token such as
// "}}" that skips over the brace balance the criterion waits for).
// Which mode an output came from is read off the output itself: a fenced block means chat.

export type GenerationSource = 'fenced' | 'completion' | 'verbatim';

export interface Extracted {
  generation: string;
  source: GenerationSource;
}

// evaluation.py postprocess_generation: re.findall(r'```(.*?)\n(.*?)```', code, re.DOTALL)[0][1].
const FENCE = /```([\s\S]*?)\n([\s\S]*?)```/;

/** The body of the first fenced code block, or undefined when there is none. */
export function firstFencedBlock(output: string): string | undefined {
  const m = FENCE.exec(output);
  return m ? m[2]! : undefined;
}

/**
 * The generation to run. `verbatim` is for an official sample file's generation (already
 * cleaned when it was written): only a fenced block is extracted, as the official
 * evaluation does in instruction mode.
 */
export function extractGeneration(output: string, lang: Language, verbatim = false): Extracted {
  const fenced = output.includes('```') ? firstFencedBlock(output) : undefined;
  if (fenced !== undefined) return { generation: fenced, source: 'fenced' };
  if (verbatim) return { generation: output, source: 'verbatim' };
  return { generation: cleanupCode(stopAtFinish(output, lang), lang), source: 'completion' };
}

/**
 * The output up to the first character at which the official stopping criterion
 * (isFinished) holds, in one pass: the rules only ever become true at the character that
 * completes a brace balance, a stop word, or the first non-blank character of a line that
 * starts without indentation.
 */
export function stopAtFinish(output: string, lang: Language): string {
  const words = lang === 'python' ? ['\ndef', '\nclass', '\nif', '\n#', '\nprint'] : lang === 'go' ? ['\nfunc main('] : lang === 'cpp' ? ['\nint main()'] : [];
  const braces = lang !== 'python';
  let open = 0;
  let close = 0;
  let lineStart = 0;
  for (let i = 0; i < output.length; i++) {
    const c = output.charCodeAt(i);
    if (braces) {
      if (c === 0x7b) open++;
      else if (c === 0x7d) close++;
      if (open + 1 === close) return output.slice(0, i + 1);
    } else if (c === 0x0a) {
      lineStart = i + 1;
    } else {
      const first = output.charCodeAt(lineStart);
      if (first !== 0x20 && first !== 0x09 && !isPySpace(c)) return output.slice(0, i + 1);
    }
    for (const w of words) {
      if (c === w.charCodeAt(w.length - 1) && i + 1 >= w.length && output.startsWith(w, i + 1 - w.length)) return output.slice(0, i + 1);
    }
  }
  return output;
}

/** utils.py is_code_generation_finished, literally (the definition stopAtFinish follows; kept for tests). */
export function isFinished(code: string, lang: Language): boolean {
  switch (lang) {
    case 'python':
      return hasUnindentedLine(code) || ['\ndef', '\nclass', '\nif', '\n#', '\nprint'].some((w) => code.includes(w));
    case 'java':
    case 'js':
      return braceBalanced(code);
    case 'go':
      return code.includes('\nfunc main(') || braceBalanced(code);
    case 'cpp':
      return code.includes('\nint main()') || braceBalanced(code);
  }
}

/** utils.py cleanup_code for humanevalx. */
export function cleanupCode(code: string, lang: Language): string {
  switch (lang) {
    case 'python': {
      const lines = code.split('\n');
      const first = lines.findIndex(isUnindented);
      if (first >= 0) return lines.slice(0, first).join('\n');
      for (const w of ['\ndef', '\nclass', '\n#', '\nassert', '\n"""', '\nprint', '\nif', '\n\n\n']) {
        if (code.includes(w)) code = code.slice(0, code.lastIndexOf(w));
      }
      return code;
    }
    case 'java': {
      const main = code.indexOf('public static void main');
      if (main !== -1) code = code.slice(0, main) + '}';
      if (code.includes('}')) code = code.slice(0, code.lastIndexOf('}')) + '}';
      if (braceBalanced(code)) code += '\n}';
      return code;
    }
    case 'go':
      if (code.includes('\nfunc main(')) code = code.slice(0, code.lastIndexOf('func main('));
      return keepToLastBrace(code);
    case 'cpp':
      if (code.includes('\nint main()')) code = code.slice(0, code.lastIndexOf('int main()'));
      return keepToLastBrace(code);
    case 'js':
      return keepToLastBrace(code);
  }
}

function keepToLastBrace(code: string): string {
  return code.includes('}') ? code.slice(0, code.lastIndexOf('}')) + '}' : code;
}

/** count("{") + 1 == count("}"): the generation closed the block the prompt opened. */
function braceBalanced(code: string): boolean {
  return count(code, '{') + 1 === count(code, '}');
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Python: len(line.strip()) > 0 and line[0] not in (' ', '\t'). */
function isUnindented(line: string): boolean {
  return line.length > 0 && line[0] !== ' ' && line[0] !== '\t' && !isBlank(line);
}

function hasUnindentedLine(code: string): boolean {
  return code.split('\n').some(isUnindented);
}

function isBlank(s: string): boolean {
  for (const ch of s) if (!isPySpace(ch.codePointAt(0)!)) return false;
  return true;
}

/** Python's str.strip() (Unicode whitespace as Python defines it). */
export function pyStrip(s: string): string {
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  while (a < b && isPySpace(cps[a]!.codePointAt(0)!)) a++;
  while (b > a && isPySpace(cps[b - 1]!.codePointAt(0)!)) b--;
  return cps.slice(a, b).join('');
}
