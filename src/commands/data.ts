import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  dataHome,
  download,
  findInCopy,
  hashFiles,
  installAsset,
  loadAsset,
  readManifest,
  suiteHome,
  writeManifest,
  type AssetSpec,
  type Manifest,
} from '../assets.js';
import { AssetError, UsageError } from '../errors.js';
import { log } from '../progress.js';
import { assetSuiteOf } from '../suites.js';
import { extractZip } from '../zip.js';
import { CONFIG_ASSETS, DATA_ZIP_URL } from '../../benchmarks/longbench/assets.js';
import { DATASETS } from '../../benchmarks/longbench/datasets.js';
import { ALIGNBENCH_ASSETS } from '../../benchmarks/alignbench/assets.js';
import { NCB_ASSETS } from '../../benchmarks/ncb/assets.js';
import { HUMANEVAL_X_ASSETS } from '../../benchmarks/humaneval-x/index.js';
import { DATA_JSON_URL, V2_ASSETS } from '../../benchmarks/longbench-v2/assets.js';
import { AGENTBENCH_DB_ASSETS } from '../../benchmarks/agentbench-db/assets.js';
import { AGENTBENCH_OS_ASSETS } from '../../benchmarks/agentbench-os/assets.js';

export interface DataArgs {
  action: 'pull' | 'add' | 'status';
  suite?: string;
  path?: string;
  json: boolean;
}

/** A suite's official files: pinned ones (copied, verified by sha256) and, for LongBench, the data archive. */
interface SuiteAssetSet {
  files: readonly AssetSpec[];
  dataZip?: string;
  /** One data file registered by reference with its sha256 recorded (LongBench v2's data.json). */
  dataFile?: { url: string; name: string };
}

const SUITE_ASSETS: Record<string, SuiteAssetSet> = {
  longbench: { files: CONFIG_ASSETS, dataZip: DATA_ZIP_URL },
  alignbench: { files: ALIGNBENCH_ASSETS },
  ncb: { files: NCB_ASSETS },
  'humaneval-x': { files: HUMANEVAL_X_ASSETS },
  'longbench-v2': { files: V2_ASSETS, dataFile: { url: DATA_JSON_URL, name: 'data.json' } },
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

async function add(suite: string, assets: SuiteAssetSet, path: string, json: boolean): Promise<void> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  const manifest = readManifest(suite);
  const found: string[] = [];
  if (statSync(path).isFile()) {
    const spec = assets.files.find((f) => basename(f.name) === basename(path));
    if (spec) {
      installAsset(suite, spec, readFileSync(path), path, manifest);
      found.push(spec.name);
    } else if (assets.dataZip) {
      await registerZip(suite, path, manifest, path);
      found.push('data');
    } else if (assets.dataFile && path.endsWith('.json')) {
      await registerDataFile(path, manifest, path);
      found.push('data');
    }
  } else {
    for (const spec of assets.files) {
      const file = findInCopy(path, spec);
      if (!file) continue;
      installAsset(suite, spec, readFileSync(file), file, manifest); // throws on a hash mismatch: nothing written
      found.push(spec.name);
    }
  }
  if (assets.dataZip && statSync(path).isDirectory()) {
    const dataDir = [join(path, 'data'), path].find((d) => hasDataFiles(d));
    if (dataDir) {
      manifest.data = {
        path: dataDir,
        source: path,
        addedAt: new Date().toISOString(),
        files: await hashFiles(dataFiles(dataDir)),
        pinned: 'recorded',
      };
      found.push('data');
    } else {
      const zip = join(path, 'data.zip');
      if (existsSync(zip)) {
        await registerZip(suite, zip, manifest, path);
        found.push('data');
      }
    }
  }
  if (assets.dataFile && statSync(path).isDirectory() && existsSync(join(path, assets.dataFile.name))) {
    await registerDataFile(join(path, assets.dataFile.name), manifest, path);
    found.push('data');
  }
  if (found.length === 0) {
    const looked = [...new Set(assets.files.flatMap((f) => f.paths))].slice(0, 6).join(', ');
    throw new UsageError(`${path}: no ${suite} assets found (looked for ${looked}${assets.dataZip ? ', data/*.jsonl, data.zip' : ''}${assets.dataFile ? `, ${assets.dataFile.name}` : ''})`);
  }
  writeManifest(suite, manifest);
  report({ suite, registered: found, home: suiteHome(suite) }, json, `registered ${found.join(', ')} for ${suite} in ${suiteHome(suite)}`);
}

async function registerZip(suite: string, zip: string, manifest: Manifest, source: string): Promise<void> {
  const dest = join(suiteHome(suite), 'data');
  const names = await extractZip(zip, dest, (n) => n.endsWith('.jsonl'));
  if (names.length === 0) throw new AssetError(`${zip}: the archive holds no .jsonl data files`);
  manifest.data = { path: dest, source, addedAt: new Date().toISOString(), files: await hashFiles(dataFiles(dest)), pinned: 'recorded' };
}

/** Registers a data file in place (not copied: it may be hundreds of MB), recording its sha256. */
async function registerDataFile(file: string, manifest: Manifest, source: string): Promise<void> {
  manifest.data = { path: file, source, addedAt: new Date().toISOString(), files: await hashFiles([file]), pinned: 'recorded' };
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
  const zip = join(home, 'data.zip');
  if (assets.dataZip && !manifest.data) {
    log(`fetching ${assets.dataZip}`);
    let last = 0;
    await download(assets.dataZip, zip, (bytes, total) => {
      if (process.stderr.isTTY && !json && bytes - last > 1 << 22) {
        last = bytes;
        process.stderr.write(`\r\x1b[2K  ${(bytes / 2 ** 20).toFixed(0)}${total ? ` / ${(total / 2 ** 20).toFixed(0)}` : ''} MiB`);
      }
    });
    if (process.stderr.isTTY && !json) process.stderr.write('\n');
    await registerZip(suite, zip, manifest, assets.dataZip);
  }
  if (assets.dataFile && !(manifest.data && existsSync(manifest.data.path))) {
    const target = join(home, assets.dataFile.name);
    log(`fetching ${assets.dataFile.url}`);
    await download(assets.dataFile.url, target);
    await registerDataFile(target, manifest, assets.dataFile.url);
  }
  writeManifest(suite, manifest);
  report({ suite, home, assets: Object.keys(manifest.assets), data: manifest.data?.path ?? null }, json, `${suite}: assets in ${home}`);
}

async function status(args: DataArgs): Promise<void> {
  const suites = args.suite ? [assetSuiteOf(args.suite)] : Object.keys(SUITE_ASSETS);
  const out: Record<string, unknown>[] = [];
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
    if (assets.dataFile) {
      const entry = manifest.data ? Object.entries(manifest.data.files)[0] : undefined;
      const state = !entry ? 'missing' : !existsSync(entry[0]) ? `${entry[0]} missing` : statSync(entry[0]).size !== entry[1].size ? `${entry[0]} changed size` : 'present (sha256 recorded at registration)';
      out.push({ suite, asset: 'data', state, path: entry?.[0] ?? null, url: assets.dataFile.url });
    }
    if (!assets.dataZip) continue;
    let dataState = 'missing';
    if (manifest.data) {
      const problems: string[] = [];
      for (const [file, entry] of Object.entries(manifest.data.files)) {
        if (!existsSync(file)) problems.push(`${file} missing`);
        else if (statSync(file).size !== entry.size) problems.push(`${file} changed size`);
      }
      const expected = DATASETS.length + DATASETS.filter((d) => d.inE).length;
      const count = Object.keys(manifest.data.files).length;
      dataState = problems.length ? `changed: ${problems.slice(0, 3).join('; ')}` : `present (${count} files${count < expected ? `, ${expected} expected` : ''}; sha256 recorded at registration)`;
    }
    out.push({ suite, asset: 'data', state: dataState, path: manifest.data?.path ?? null, url: assets.dataZip });
  }
  const text = out.map((r) => `${r.suite}  ${r.asset}  ${r.state}${r.path ? `  ${r.path}` : ''}`).join('\n');
  report({ home: dataHome(), assets: out }, args.json, `data directory ${dataHome()}\n${text}`);
}

function hasDataFiles(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && dataFiles(dir).length > 0;
}

function dataFiles(dir: string): string[] {
  const known = new Set(DATASETS.flatMap((d) => [`${d.name}.jsonl`, `${d.name}_e.jsonl`]));
  return readdirSync(dir)
    .filter((f) => known.has(f))
    .sort()
    .map((f) => join(dir, f));
}

function report(doc: unknown, json: boolean, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(doc)}\n` : `${text}\n`);
}
