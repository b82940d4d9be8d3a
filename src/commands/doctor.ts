import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';
import { allSuites } from '../suites.js';
import { table } from '../table.js';

export interface DoctorArgs {
  suite?: string;
  json: boolean;
}

type Probe = { bin: string } | { file: string } | { python: string } | { npm: string };

interface Requirement {
  what: string;
  probe: Probe;
  /** The Debian package that provides it (empty for npm dependencies, which `npm ci` installs). */
  apt?: string;
}

// What each suite needs on this machine, as the spec's ground truth was measured on Debian 12.
const SANDBOX: Requirement = { what: 'bubblewrap (sandbox for generated code)', probe: { bin: 'bwrap' }, apt: 'bubblewrap' };
const NEEDS: Record<string, Requirement[]> = {
  'humaneval-x': [
    SANDBOX,
    { what: 'python3', probe: { bin: 'python3' }, apt: 'python3' },
    { what: 'numpy (imported by every Python program)', probe: { python: 'numpy' }, apt: 'python3-numpy' },
    { what: 'g++', probe: { bin: 'g++' }, apt: 'g++' },
    { what: 'boost/any.hpp (CPP/22, CPP/137)', probe: { file: '/usr/include/boost/any.hpp' }, apt: 'libboost-dev' },
    { what: 'openssl/md5.h (CPP/162)', probe: { file: '/usr/include/openssl/md5.h' }, apt: 'libssl-dev' },
    { what: 'javac (JDK 17)', probe: { bin: 'javac' }, apt: 'default-jdk-headless' },
    { what: 'go', probe: { bin: 'go' }, apt: 'golang-go' },
    { what: 'testify (Go tests)', probe: { file: '/usr/share/gocode/src/github.com/stretchr/testify/assert' }, apt: 'golang-github-stretchr-testify-dev' },
    { what: 'node', probe: { bin: 'node' } },
    { what: 'js-md5 (JS/162)', probe: { npm: 'js-md5' } },
  ],
  'agentbench-db': [
    { what: 'mariadbd (the SQL server evalh starts; or pass --db-url)', probe: { file: '/usr/sbin/mariadbd' }, apt: 'mariadb-server-core' },
    { what: 'mariadb-install-db', probe: { file: '/usr/bin/mariadb-install-db' }, apt: 'mariadb-server-core' },
    { what: 'my_print_defaults (run by mariadb-install-db)', probe: { file: '/usr/bin/my_print_defaults' }, apt: 'mariadb-client-core' },
  ],
  // the agent's sandbox (src/agent/os-sandbox.ts): run as root; items' scripts use python3
  'agentbench-os': [
    { what: 'bubblewrap', probe: { bin: 'bwrap' }, apt: 'bubblewrap' },
    ...(['unshare', 'nsenter', 'setpriv', 'mount'] as const).map((bin) => ({ what: bin, probe: { bin }, apt: bin === 'mount' ? 'mount' : 'util-linux' })),
    { what: 'script (the agent shell\'s pty)', probe: { bin: 'script' }, apt: 'bsdutils' },
    { what: 'python3 (item scripts)', probe: { bin: 'python3' }, apt: 'python3' },
  ],
  ncb: [
    SANDBOX,
    { what: 'pytest', probe: { python: 'pytest' }, apt: 'python3-pytest' },
    { what: 'javac (JDK 17)', probe: { bin: 'javac' }, apt: 'default-jdk-headless' },
    { what: 'JUnit Platform console launcher', probe: { file: '/usr/share/java/junit-platform-console-standalone.jar' }, apt: 'junit5' },
    { what: 'jsoup (Java 154)', probe: { file: '/usr/share/java/jsoup.jar' }, apt: 'libjsoup-java' },
    ...(
      [
        ['numpy', 'python3-numpy'],
        ['pandas', 'python3-pandas'],
        ['scipy', 'python3-scipy'],
        ['sklearn', 'python3-sklearn'],
        ['torch', 'python3-torch'],
        ['bs4', 'python3-bs4'],
        ['cryptography', 'python3-cryptography'],
        ['openpyxl', 'python3-openpyxl'],
        ['nltk', 'python3-nltk'],
        ['PIL', 'python3-pil'],
        ['docx', 'python3-docx'],
        ['cv2', 'python3-opencv'],
        ['PyPDF2', 'python3-pypdf2'],
        ['lxml', 'python3-lxml'],
      ] as const
    ).map(([mod, apt]) => ({ what: `python: ${mod}`, probe: { python: mod }, apt })),
  ],
};

function present(probe: Probe): boolean {
  if ('file' in probe) return existsSync(probe.file);
  if ('npm' in probe) {
    try {
      createRequire(import.meta.url).resolve(probe.npm);
      return true;
    } catch {
      return false;
    }
  }
  try {
    // The sandbox runs /usr/bin tools with a clean PATH, so probe the same way.
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin' };
    if ('bin' in probe) execFileSync('sh', ['-c', `command -v ${probe.bin}`], { env, stdio: 'ignore' });
    else execFileSync('python3', ['-c', `import ${probe.python}`], { env, stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** `evalh doctor [suite]`: what each suite needs, what is present, and the command that installs the rest. */
export async function doctorCommand(args: DoctorArgs): Promise<void> {
  const known = allSuites().map((s) => s.name);
  if (args.suite && !known.includes(args.suite) && !(args.suite in NEEDS)) {
    throw new UsageError(`unknown suite "${args.suite}"; known: ${known.join(', ')}`);
  }
  const suites = args.suite ? [args.suite] : known;
  const report = suites.map((suite) => {
    const checks = (NEEDS[suite] ?? []).map((r) => ({ what: r.what, apt: r.apt ?? null, present: present(r.probe) }));
    const missing = [...new Set(checks.filter((c) => !c.present && c.apt).map((c) => c.apt!))];
    return { suite, checks, ready: checks.every((c) => c.present), install: missing.length ? `apt-get install -y ${missing.join(' ')}` : null };
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ suites: report })}\n`);
    return;
  }
  const out: string[] = [];
  for (const r of report) {
    out.push(`${r.suite}: ${r.checks.length === 0 ? 'nothing beyond evalh itself' : r.ready ? 'ready' : 'missing pieces'}`);
    if (r.checks.length) out.push(table(['Needs', 'Present', 'Debian package'], r.checks.map((c) => [c.what, c.present ? 'yes' : 'NO', c.apt ?? '(npm ci)'])));
    if (r.install) out.push(`install: ${r.install}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));
}
