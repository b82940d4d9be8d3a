import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { AssetError, InputError } from './errors.js';
import { sha256, sha256File } from './hash.js';
import { checkInput, ioProblem } from './input.js';

// Official benchmark files are fetched or registered, never shipped. Each suite declares
// its assets; evalh keeps its own copy of every registered file in its data directory
// (pinned files verified by sha256, data files checked record by record and their sha256
// recorded), with a manifest per suite: moving or deleting the user's original breaks nothing.

export interface AssetSpec {
  /** Name inside the suite's data directory, e.g. 'config/dataset2prompt.json'. */
  name: string;
  /** Official location, pinned to a commit. */
  url: string;
  sha256: string;
  size: number;
  /** Where the file may sit inside a local copy given to `evalh data add` (first match wins). */
  paths: string[];
}

export interface DataFileEntry {
  sha256: string;
  size: number;
}

export interface Manifest {
  assets: Record<string, { sha256: string; size: number; source: string; addedAt: string }>;
  /**
   * The registered data (a folder of the official layout, or one data file), with the hashes
   * recorded when it was added. Inside the suite's folder; older versions of evalh recorded
   * the user's own path instead, which still works while that file stays where it was.
   */
  data?: { path: string; source: string; addedAt: string; files: Record<string, DataFileEntry>; pinned: 'recorded' };
}

export function dataHome(): string {
  if (process.env.EVALH_DATA) return resolve(process.env.EVALH_DATA);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'evalh');
}

export function suiteHome(suite: string): string {
  return join(dataHome(), suite);
}

export function readManifest(suite: string): Manifest {
  const file = join(suiteHome(suite), 'manifest.json');
  if (!existsSync(file)) return { assets: {} };
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new AssetError(`${file}: unreadable manifest (${(e as Error).message}); remove it and run \`evalh data pull ${suite}\``);
  }
}

export function writeManifest(suite: string, manifest: Manifest): void {
  const dir = suiteHome(suite);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'manifest.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2));
  renameSync(`${file}.tmp`, file);
}

/**
 * The verified content of an asset, or undefined when it is not registered. A registered
 * file that no longer matches its pinned hash is an error, never silently used.
 */
export function loadAsset(suite: string, spec: AssetSpec): Buffer | undefined {
  const file = join(suiteHome(suite), spec.name);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  const got = sha256(bytes);
  if (got !== spec.sha256) {
    throw new AssetError(
      `${file} does not verify (sha256 ${got.slice(0, 12)}…, pinned ${spec.sha256.slice(0, 12)}…); run \`evalh data pull ${suite}\` to fetch the official file again`,
    );
  }
  return bytes;
}

export function requireAsset(suite: string, spec: AssetSpec): Buffer {
  const bytes = loadAsset(suite, spec);
  if (!bytes) {
    throw new AssetError(
      `the official ${spec.name} of ${suite} is not registered. Fix: \`evalh data pull ${suite}\` (downloads ${spec.url}) or \`evalh data add ${suite} <path to a local copy of the official files>\``,
    );
  }
  return bytes;
}

/** Copies an asset found in a local copy into the data directory after checking its hash. */
export function installAsset(suite: string, spec: AssetSpec, bytes: Buffer, source: string, manifest: Manifest): void {
  const got = sha256(bytes);
  if (got !== spec.sha256) {
    throw new AssetError(`${source}: sha256 ${got} does not match the pinned official ${spec.name} (${spec.sha256}); not registered`);
  }
  const target = join(suiteHome(suite), spec.name);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, bytes);
  renameSync(`${target}.tmp`, target);
  manifest.assets[spec.name] = { sha256: got, size: bytes.length, source, addedAt: new Date().toISOString() };
}

/** The bytes of an asset found in a local copy (an unreadable file is exit 2 naming it). */
export function readCopy(file: string): Buffer {
  checkInput(file, 'file');
  return readFileSync(file);
}

export function findInCopy(root: string, spec: AssetSpec): string | undefined {
  for (const rel of spec.paths) {
    const candidate = join(root, rel);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Downloads a URL to a file (via a temp file), honouring EVALH_MIRROR for offline mirrors and tests. */
export async function download(url: string, target: string, onProgress?: (bytes: number, total: number) => void): Promise<void> {
  const mirrored = mirror(url);
  let res: Response;
  try {
    res = await fetch(mirrored, { redirect: 'follow' });
  } catch (e) {
    throw new AssetError(`cannot download ${mirrored}: ${((e as Error & { cause?: Error }).cause ?? (e as Error)).message}`);
  }
  if (!res.ok || !res.body) throw new AssetError(`cannot download ${mirrored}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.part`;
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(tmp);
  let bytes = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      onProgress?.(bytes, total);
    }
    await new Promise<void>((res2, rej) => out.end((err?: Error | null) => (err ? rej(err) : res2())));
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw new AssetError(`download of ${mirrored} failed after ${bytes} bytes: ${(e as Error).message}`);
  }
  renameSync(tmp, target);
}

function mirror(url: string): string {
  const base = process.env.EVALH_MIRROR;
  if (!base) return url;
  const u = new URL(url);
  return `${base.replace(/\/+$/, '')}/${u.host}${u.pathname}`;
}

export async function hashFiles(files: string[]): Promise<Record<string, DataFileEntry>> {
  const out: Record<string, DataFileEntry> = {};
  for (const f of files) out[f] = { sha256: await sha256File(f), size: statSync(f).size };
  return out;
}

/** True when a registered data path lies inside the suite's own folder (a copy evalh keeps). */
export function isOwnCopy(suite: string, path: string): boolean {
  return resolve(path).startsWith(suiteHome(suite) + sep);
}

/**
 * Runs `work` with a staging folder inside the suite's data folder (the same file system, so
 * what it prepares can be renamed into place). The staging folder is always removed; on a
 * failure so are the data and suite folders this call created, so a failed `evalh data
 * add|pull` leaves the data directory as it was.
 */
export async function withStaging<T>(suite: string, work: (dir: string) => Promise<T>): Promise<T> {
  const created = [dataHome(), suiteHome(suite)].filter((d) => !existsSync(d));
  const dir = join(suiteHome(suite), `.staging-${process.pid}`);
  reclaimStaging(suiteHome(suite));
  mkdirSync(dir, { recursive: true });
  let ok = false;
  try {
    const out = await work(dir);
    ok = true;
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!ok) {
      for (const d of created.reverse()) {
        try {
          rmdirSync(d); // only when empty
        } catch {
          // something else lives there: keep it
        }
      }
    }
  }
}

/** Staging folders left by an `evalh data add|pull` that was killed (-9): their process is gone. */
function reclaimStaging(home: string): void {
  if (!existsSync(home)) return;
  for (const name of readdirSync(home)) {
    const pid = /^\.staging-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    rmSync(join(home, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's live process
  }
}

/** Copies a user's file (a reflink where the file system has them: data files reach hundreds of MB). */
export function copyInput(from: string, to: string): void {
  checkInput(from, 'file');
  mkdirSync(dirname(to), { recursive: true });
  try {
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
  } catch (e) {
    throw new InputError(from, undefined, undefined, `cannot copy it into the data directory: ${ioProblem(e)}`);
  }
}

/** A suite's record checker run on a staged copy; its errors name the file the user gave. */
export async function checkCopy(copy: string, shownAs: string, check: (file: string) => Promise<unknown>): Promise<void> {
  try {
    await check(copy);
  } catch (e) {
    if (e instanceof InputError && e.file === copy) throw new InputError(shownAs, e.line, e.field, e.problem);
    throw e;
  }
}

/** Moves a staged file or folder into place, replacing what was there. */
export function moveIntoPlace(staged: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target) && statSync(target).isDirectory()) {
    const old = `${target}.old-${process.pid}`;
    renameSync(target, old);
    renameSync(staged, target);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(staged, target);
}
