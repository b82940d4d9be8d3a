import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  checkCopy,
  copyInput,
  dataHome,
  download,
  findInCopy,
  hashFiles,
  installAsset,
  isOwnCopy,
  loadAsset,
  moveIntoPlace,
  readCopy,
  readManifest,
  suiteHome,
  withStaging,
  writeManifest,
  type AssetSpec,
  type DataFileEntry,
  type Manifest,
} from '../assets.js';
import { AssetError, UsageError } from '../errors.js';
import { sha256 } from '../hash.js';
import { checkInput, listFolder } from '../input.js';
import { log } from '../progress.js';
import { assetSuiteOf } from '../suites.js';
import { table } from '../table.js';
import { extractZip } from '../zip.js';
import { CONFIG_ASSETS, DATA_ZIP_URL } from '../../benchmarks/longbench/assets.js';
import { DATASETS } from '../../benchmarks/longbench/datasets.js';
import { checkDataFile as checkLongBenchFile, datasetOfDataFile } from '../../benchmarks/longbench/load.js';
import { ALIGNBENCH_ASSETS } from '../../benchmarks/alignbench/assets.js';
import { NCB_ASSETS } from '../../benchmarks/ncb/assets.js';
import { HUMANEVAL_X_ASSETS } from '../../benchmarks/humaneval-x/index.js';
import { DATA_JSON_URL, V2_ASSETS } from '../../benchmarks/longbench-v2/assets.js';
import { checkDataFile as checkV2File } from '../../benchmarks/longbench-v2/load.js';
import { AGENTBENCH_DB_ASSETS } from '../../benchmarks/agentbench-db/assets.js';
import { AGENTBENCH_OS_ASSETS } from '../../benchmarks/agentbench-os/assets.js';

export interface DataArgs {
  action: 'pull' | 'add' | 'status';
  suite?: string;
  path?: string;
  json: boolean;
}

/**
 * A suite's official files: pinned ones (copied, verified by sha256) and, for the LongBench
 * suites, data whose publisher gives no checksum to pin (copied, checked record by record
 * with the suite's own checker, its sha256 recorded). Every registered file is evalh's own
 * copy in the data directory, so moving the original breaks nothing.
 */
interface SuiteAssetSet {
  files: readonly AssetSpec[];
  /** LongBench: the data folder of data.zip (v1 and LongBench-E files), kept as <suite>/data/. */
  dataZip?: {
    url: string;
    /** The suite's data files in a folder, sorted; none when it is no folder. */
    files(dir: string): string[];
    /** Checks one data file with the suite's own record checker. */
    check(name: string, file: string): Promise<unknown>;
  };
  /** LongBench v2: one data file, kept as <suite>/<name>, checked with the suite's own record checker. */
  dataFile?: { url: string; name: string; check(file: string): Promise<unknown> };
}

const SUITE_ASSETS: Record<string, SuiteAssetSet> = {
  longbench: {
    files: CONFIG_ASSETS,
    dataZip: { url: DATA_ZIP_URL, files: longBenchFiles, check: (name, file) => checkLongBenchFile(datasetOfDataFile(name), file) },
  },
  alignbench: { files: ALIGNBENCH_ASSETS },
  ncb: { files: NCB_ASSETS },
  'humaneval-x': { files: HUMANEVAL_X_ASSETS },
  'longbench-v2': { files: V2_ASSETS, dataFile: { url: DATA_JSON_URL, name: 'data.json', check: (file) => checkV2File(file) } },
  agentbench: { files: [...AGENTBENCH_DB_ASSETS, ...AGENTBENCH_OS_ASSETS] },
};

export async function dataCommand(args: DataArgs): Promise<void> {
  if (args.action === 'status') return status(args);
  if (!args.suite) throw new UsageError(`evalh data ${args.action} needs a suite`);
  const suite = assetSuiteOf(args.suite);
  const assets = SUITE_ASSETS[suite];
  if (!assets) throw new UsageError(`suite ${args.suite} has no official assets to ${args.action} in this version`);
  if (args.action === 'add') {
    if (!args.path) throw new UsageError('evalh data add <suite> <path>: give the path of a local copy');
    return add(suite, assets, resolve(args.path), args.json);
  }
  return pull(suite, assets, args.json);
}

/** Where the data of a local copy is: a LongBench data folder or data.zip, or LongBench v2's data file. */
type DataSource = { kind: 'folder'; dir: string } | { kind: 'zip'; zip: string } | { kind: 'file'; file: string };

/**
 * `evalh data add`: everything found is verified or checked before anything is written (a
 * hash mismatch or a bad record registers nothing and leaves no file behind), then copied in.
 */
async function add(suite: string, assets: SuiteAssetSet, path: string, json: boolean): Promise<void> {
  const kind = checkInput(path, 'file or folder', `give a local copy of the official ${suite} files (a checkout, a data folder or file)`);
  const pinned: { spec: AssetSpec; file: string; bytes: Buffer }[] = [];
  let data: DataSource | undefined;
  if (kind === 'file') {
    const spec = assets.files.find((f) => basename(f.name) === basename(path));
    if (spec) pinned.push({ spec, file: path, bytes: readCopy(path) });
    else if (assets.dataZip) data = { kind: 'zip', zip: path };
    else if (assets.dataFile && /\.jsonl?$/.test(path)) data = { kind: 'file', file: path };
  } else {
    for (const spec of assets.files) {
      const file = findInCopy(path, spec);
      if (file) pinned.push({ spec, file, bytes: readCopy(file) });
    }
    if (assets.dataZip) {
      const { files } = assets.dataZip;
      const dir = [join(path, 'data'), path].find((d) => files(d).length > 0);
      if (dir) data = { kind: 'folder', dir };
      else if (existsSync(join(path, 'data.zip'))) data = { kind: 'zip', zip: join(path, 'data.zip') };
    }
    if (assets.dataFile && existsSync(join(path, assets.dataFile.name))) data = { kind: 'file', file: join(path, assets.dataFile.name) };
  }
  if (pinned.length === 0 && !data) {
    const looked = [...new Set(assets.files.flatMap((f) => f.paths))].slice(0, 6).join(', ');
    throw new UsageError(`${path}: no ${suite} assets found (looked for ${looked}${assets.dataZip ? ', data/*.jsonl, data.zip' : ''}${assets.dataFile ? `, ${assets.dataFile.name}` : ''})`);
  }
  for (const p of pinned) verifyPinned(p.spec, p.bytes, p.file); // all before any is installed
  const manifest = readManifest(suite);
  await withStaging(suite, async (staging) => {
    const install = data ? await stageData(suite, assets, data, staging, path) : undefined;
    for (const p of pinned) installAsset(suite, p.spec, p.bytes, p.file, manifest);
    if (install) manifest.data = install();
    writeManifest(suite, manifest);
  });
  const found = [...pinned.map((p) => p.spec.name), ...(data ? ['data'] : [])];
  report({ suite, registered: found, home: suiteHome(suite) }, json, `registered ${found.join(', ')} for ${suite} in ${suiteHome(suite)}`);
}

function verifyPinned(spec: AssetSpec, bytes: Buffer, file: string): void {
  const got = sha256(bytes);
  if (got !== spec.sha256) throw new AssetError(`${file}: sha256 ${got} does not match the pinned official ${spec.name} (${spec.sha256}); nothing registered`);
}

/**
 * Copies the data into the staging folder and checks it there with the suite's own record
 * checker (errors name the user's file); returns the step that moves it into place and the
 * manifest entry, run only once every other file has verified too.
 */
async function stageData(suite: string, assets: SuiteAssetSet, data: DataSource, staging: string, source: string): Promise<() => NonNullable<Manifest['data']>> {
  const home = suiteHome(suite);
  const entry = (path: string, files: Record<string, DataFileEntry>) => ({ path, source, addedAt: new Date().toISOString(), files, pinned: 'recorded' as const });
  if (data.kind === 'file') {
    const { name, check } = assets.dataFile!;
    const copy = join(staging, name);
    copyInput(data.file, copy);
    await checkCopy(copy, data.file, check);
    const recorded = entry(join(home, name), { [join(home, name)]: (await hashFiles([copy]))[copy]! });
    return () => {
      moveIntoPlace(copy, join(home, name));
      return recorded;
    };
  }
  const { files, check } = assets.dataZip!;
  const dir = join(staging, 'data');
  let shownAs: (name: string) => string;
  if (data.kind === 'zip') {
    const names = await extractZip(data.zip, dir, (n) => n.endsWith('.jsonl'), 'give a LongBench checkout, its data folder or data.zip');
    if (files(dir).length === 0) {
      throw new AssetError(`${data.zip}: the archive holds no LongBench data files (${names.length ? `found ${names.slice(0, 3).join(', ')}` : 'no .jsonl files'})`);
    }
    shownAs = (name) => `${data.zip} (${name})`;
  } else {
    const src = data.dir;
    for (const name of files(src)) copyInput(join(src, name), join(dir, name));
    shownAs = (name) => join(src, name);
  }
  const names = files(dir);
  for (const name of names) await checkCopy(join(dir, name), shownAs(name), (f) => check(name, f));
  const hashes = await hashFiles(names.map((n) => join(dir, n)));
  const recorded = entry(join(home, 'data'), Object.fromEntries(names.map((n) => [join(home, 'data', n), hashes[join(dir, n)]!])));
  return () => {
    moveIntoPlace(dir, join(home, 'data'));
    return recorded;
  };
}

async function pull(suite: string, assets: SuiteAssetSet, json: boolean): Promise<void> {
  const manifest = readManifest(suite);
  const home = suiteHome(suite);
  mkdirSync(home, { recursive: true });
  for (const spec of assets.files) {
    if (loadAsset(suite, spec)) continue; // present and verified
    const tmp = join(home, `${spec.name}.download`);
    log(`fetching ${spec.url}`);
    try {
      await download(spec.url, tmp);
      installAsset(suite, spec, readFileSync(tmp), spec.url, manifest);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  const url = assets.dataZip?.url ?? assets.dataFile?.url;
  if (url && !(manifest.data && registeredDataPresent(manifest.data))) {
    await withStaging(suite, async (staging) => {
      log(`fetching ${url}`);
      const target = join(staging, assets.dataZip ? 'data.zip' : assets.dataFile!.name);
      let last = 0;
      await download(url, target, (bytes, total) => {
        if (process.stderr.isTTY && !json && bytes - last > 1 << 22) {
          last = bytes;
          process.stderr.write(`\r\x1b[2K  ${(bytes / 2 ** 20).toFixed(0)}${total ? ` / ${(total / 2 ** 20).toFixed(0)}` : ''} MiB`);
        }
      });
      if (process.stderr.isTTY && !json) process.stderr.write('\n');
      const install = await stageData(suite, assets, assets.dataZip ? { kind: 'zip', zip: target } : { kind: 'file', file: target }, staging, url);
      manifest.data = install();
    });
  }
  writeManifest(suite, manifest);
  report({ suite, home, assets: Object.keys(manifest.assets), data: manifest.data?.path ?? null }, json, `${suite}: assets in ${home}`);
}

function registeredDataPresent(data: NonNullable<Manifest['data']>): boolean {
  return Object.keys(data.files).length > 0 && Object.keys(data.files).every((f) => existsSync(f));
}

interface StatusRow {
  suite: string;
  asset: string;
  state: string;
  path: string | null;
  url: string;
}

async function status(args: DataArgs): Promise<void> {
  const suites = args.suite ? [assetSuiteOf(args.suite)] : Object.keys(SUITE_ASSETS);
  const out: StatusRow[] = [];
  for (const suite of suites) {
    const assets = SUITE_ASSETS[suite];
    if (!assets) continue;
    const manifest = readManifest(suite);
    for (const spec of assets.files) {
      let state = 'missing';
      try {
        state = loadAsset(suite, spec) ? 'verified' : 'missing';
      } catch (e) {
        state = `does not verify: ${(e as Error).message}`;
      }
      out.push({ suite, asset: spec.name, state, path: join(suiteHome(suite), spec.name), url: spec.url });
    }
    const url = assets.dataZip?.url ?? assets.dataFile?.url;
    if (url) out.push({ suite, asset: 'data', state: dataState(suite, assets, manifest), path: manifest.data?.path ?? null, url });
  }
  report({ home: dataHome(), assets: out }, args.json, statusText(out));
}

/** The state of the registered data: its files present with their recorded sizes, and whether evalh holds the copy. */
function dataState(suite: string, assets: SuiteAssetSet, manifest: Manifest): string {
  const data = manifest.data;
  if (!data) return 'missing';
  const problems: string[] = [];
  for (const [file, entry] of Object.entries(data.files)) {
    if (!existsSync(file)) problems.push(`${file} missing`);
    else if (statSync(file).size !== entry.size) problems.push(`${file} changed size`);
  }
  const again = `run \`evalh data add ${suite} <path>\` again`;
  if (problems.length) return `changed: ${problems.slice(0, 3).join('; ')}; ${again}`;
  const elsewhere = isOwnCopy(suite, data.path) ? '' : `; registered in place by an older evalh: ${again} to keep a copy`;
  if (assets.dataFile) return `present (sha256 recorded at registration)${elsewhere}`;
  const expected = DATASETS.length + DATASETS.filter((d) => d.inE).length;
  const count = Object.keys(data.files).length;
  return `present (${count} files${count < expected ? `, ${expected} expected` : ''}; sha256 recorded at registration)${elsewhere}`;
}

/** One table per suite; a registered file's path is shown only where it is not the asset's own place. */
function statusText(rows: StatusRow[]): string {
  const parts = [`data directory ${dataHome()}`];
  for (const suite of [...new Set(rows.map((r) => r.suite))]) {
    const mine = rows.filter((r) => r.suite === suite);
    const cells = mine.map((r) => [r.asset, r.state.startsWith('does not verify') ? `does not verify; run \`evalh data pull ${suite}\`` : r.state, r.asset === 'data' ? (r.path ?? '') : '']);
    const withPath = cells.some((c) => c[2] !== '');
    parts.push('', `${suite} (${suiteHome(suite)})`, table(withPath ? ['asset', 'state', 'path'] : ['asset', 'state'], withPath ? cells : cells.map((c) => c.slice(0, 2))));
  }
  return parts.join('\n');
}

/** The LongBench data files in a folder (v1 and LongBench-E names), sorted; none when it is no folder. */
function longBenchFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const known = new Set(DATASETS.flatMap((d) => [`${d.name}.jsonl`, `${d.name}_e.jsonl`]));
  return listFolder(dir)
    .filter((f) => known.has(f))
    .sort();
}

function report(doc: unknown, json: boolean, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(doc)}\n` : `${text}\n`);
}
