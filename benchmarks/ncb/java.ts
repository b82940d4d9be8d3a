import { replaceAll } from './extract.js';

// How the official write_java_test_files lays a Java sample out: every top-level
// interface, class and enum the regular expressions find in a code block becomes
// <Name>.java, headed by the JUnit 5 imports and all of the block's import lines; the
// problem's test class is renamed Test_java_<id> (every occurrence of its name) and
// written last. The regular expressions are the official ones (see extract.ts on `.`).

const JUNIT_HEADER = 'import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.*;\n';

// (\n|^)(import .*?)\n with re.MULTILINE: `^` is the start of the text or just after "\n".
const IMPORT = /(?:\n|(?<![\s\S])|(?<=\n))(import [^\n]*?)\n/g;
const INTERFACE = /((@.*?)?(\n[^\n]*)?interface .*?[;}]\s*\n+\})/gs;
const CLASS = /((@.*?)?(\n[^\n]*)?class .*?[;}]\s*\n+\})/gs;
const ENUM = /((@.*?)?(\n[^\n]*)?enum .*?[;}]?\s*\n+\})/gs;

export function testClassName(id: number): string {
  return `Test_java_${id}`;
}

/**
 * The solution files of one sample: file name → content. Later files of the same name
 * replace earlier ones, as the official writes do (interfaces, then classes, then enums,
 * block by block). A type whose name the official pattern cannot read (the script would
 * raise there) or that is no file name is left out.
 */
export function splitJavaCode(blocks: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const block of blocks) {
    const c = '\n' + block;
    const imports = [...c.matchAll(IMPORT)].map((m) => m[1]!);
    const head = JUNIT_HEADER + imports.join('\n') + '\n';
    const kinds: [RegExp, RegExp][] = [
      [INTERFACE, /interface (.*?)\s/s],
      [CLASS, /class (.*?)\s/s],
      [ENUM, /enum (.*?)\s/s],
    ];
    for (const [pattern, namePattern] of kinds) {
      for (const m of c.matchAll(pattern)) {
        const chunk = m[1]!;
        const name = namePattern.exec(chunk)?.[1];
        if (name === undefined || !isFileName(name)) continue;
        files.set(`${name}.java`, head + chunk + '\n');
      }
    }
  }
  return files;
}

/**
 * The test file: the name after the first `class ` (up to whitespace) is replaced by
 * Test_java_<id> everywhere in the test code, as `testcases.replace(name, …)` does.
 * Returns undefined when the test code has no `class ` (the official script raises).
 */
export function renameTestClass(testcases: string, id: number): string | undefined {
  const m = /class (.*?)\s/s.exec(testcases);
  if (!m) return undefined;
  return replaceAll(testcases, m[1]!, testClassName(id));
}

/** The whole sample directory: solution files, then the test file (which wins a name clash, as upstream). */
export function javaFiles(blocks: readonly string[], testcases: string, id: number): Record<string, string> {
  const files = Object.fromEntries(splitJavaCode(blocks));
  const test = renameTestClass(testcases, id);
  if (test !== undefined) files[`${testClassName(id)}.java`] = test;
  return files;
}

function isFileName(name: string): boolean {
  return name.length > 0 && name.length < 200 && !name.includes('/') && !name.includes('\0') && name !== '.' && name !== '..';
}
