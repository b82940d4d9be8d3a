import { CPP_INCLUDES, GO_PACKAGES, PYTHON_IMPORTS, type Language } from './languages.js';
import type { Problem } from './records.js';

// Program assembly exactly as the official evaluation (CodeGeeX2 evaluation.py
// process_test) builds the file it runs: string concatenation, nothing parsed.

export interface Program {
  /** The file the program is written to in the sample directory. */
  file: string;
  source: string;
}

export const PROGRAM_FILE: Record<Language, string> = {
  python: 'main.py',
  cpp: 'test.cpp',
  java: 'Main.java',
  js: 'test.js',
  go: 'main_test.go',
};

export function assembleProgram(lang: Language, problem: Problem, generation: string): Program {
  const { prompt, test } = problem;
  let source: string;
  switch (lang) {
    case 'python':
      source = PYTHON_IMPORTS.join('\n') + '\n' + prompt + generation + '\n' + test + '\n';
      break;
    case 'cpp': {
      const setup = CPP_INCLUDES.filter((s) => !prompt.includes(s))
        .map((s) => s + '\n')
        .join('');
      source = setup + '\n' + prompt + generation + '\n' + test;
      break;
    }
    case 'java':
    case 'js':
      source = prompt + generation + '\n' + test;
      break;
    case 'go': {
      const testSetup = problem.test_setup ?? '';
      const stripped = prompt.split(problem.import ?? '').join(''); // str.replace: every occurrence
      const pkgs = goImports(generation, testSetup);
      source =
        pkgs.length > 0
          ? testSetup + '\n' + goImportBlock(pkgs) + '\n' + stripped + generation + '\n' + test
          : testSetup + '\n' + stripped + generation + '\n' + test;
      break;
    }
  }
  return { file: PROGRAM_FILE[lang], source };
}

/**
 * The packages of the official list that the generation (only; the prompt's own import
 * block is dropped) uses as `<last path segment>.` and the test header does not already
 * name. Both tests are plain substring tests, as in the official code: "math" counts as
 * named by a header that imports "math/rand", and "rand." matches inside "strand.".
 */
export function goImports(generation: string, testSetup: string): string[] {
  return GO_PACKAGES.filter((pkg) => !testSetup.includes(pkg) && generation.includes(pkg.split('/').pop()! + '.'));
}

/** 'import (\n' + '    '.join(['"p"\n', …]) + ')' — the first package unindented, as the official code writes it. */
export function goImportBlock(pkgs: string[]): string {
  return 'import (\n' + pkgs.map((p) => `"${p}"\n`).join('    ') + ')';
}
