import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findInCopy, loadAsset, readCopy, suiteHome, type AssetSpec } from '../../src/assets.js';
import { AssetError } from '../../src/errors.js';
import { sha256 } from '../../src/hash.js';
import { CONFIG_ASSETS, DIMENSION_DEFINITION, DIMENSION_SET, SUBCATEGORY_MAPPING, TEMPERATURE } from './assets.js';
import { checkDimensionSet, checkStringMap, checkTemperature } from './records.js';

export const ASSET_SUITE = 'alignbench';
export const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');

/** get_answers.py: temp_config["default"] = 0.7 for a category the file does not list. */
export const DEFAULT_TEMPERATURE = 0.7;

export interface JudgingConfigs {
  /**
   * 'official': the four pinned config/*.json (registered with `evalh data`, or found in the
   * --data copy and verified); 'evalh-sample': the built-in sample's own files, written for
   * evalh (used only with --sample when the official ones are not registered).
   */
  source: 'official' | 'evalh-sample';
  temperature: Record<string, number>;
  dimensionSet: Record<string, string[]>;
  definitions: Record<string, string>;
  subcategoryType: Record<string, string>;
  /** sha256 of each file used, for the run fingerprint. */
  hashes: Record<string, string>;
}

/**
 * The judging configs, official when they can be had: registered assets first, then a copy
 * inside the --data folder (a checkout of the repository), verified against the pinned
 * hashes. The built-in sample falls back to its own set, as LongBench's sample prompts do.
 */
export function loadConfigs(sample: boolean, dataDir: string | undefined): JudgingConfigs {
  const found = new Map<AssetSpec, { bytes: Buffer; file: string }>();
  for (const spec of CONFIG_ASSETS) {
    const bytes = loadAsset(ASSET_SUITE, spec); // throws when a registered copy no longer verifies
    if (bytes) {
      found.set(spec, { bytes, file: join(suiteHome(ASSET_SUITE), spec.name) });
      continue;
    }
    const inCopy = dataDir ? findInCopy(dataDir, spec) : undefined;
    if (inCopy) {
      const copy = readCopy(inCopy);
      const got = sha256(copy);
      if (got !== spec.sha256) {
        throw new AssetError(
          `${inCopy} is not the official ${spec.name} (sha256 ${got.slice(0, 12)}…, pinned ${spec.sha256.slice(0, 12)}…); ` +
            `it changes how answers are judged, so evalh does not use it. Remove it from the --data folder or restore the official file`,
        );
      }
      found.set(spec, { bytes: copy, file: inCopy });
    }
  }
  if (found.size === CONFIG_ASSETS.length) {
    const read = (spec: AssetSpec) => JSON.parse(found.get(spec)!.bytes.toString('utf8')) as unknown;
    return {
      source: 'official',
      temperature: checkTemperature(read(TEMPERATURE), found.get(TEMPERATURE)!.file),
      dimensionSet: checkDimensionSet(read(DIMENSION_SET), found.get(DIMENSION_SET)!.file),
      definitions: checkStringMap(read(DIMENSION_DEFINITION), found.get(DIMENSION_DEFINITION)!.file),
      subcategoryType: checkStringMap(read(SUBCATEGORY_MAPPING), found.get(SUBCATEGORY_MAPPING)!.file),
      hashes: Object.fromEntries(CONFIG_ASSETS.map((s) => [s.name, s.sha256])),
    };
  }
  if (!sample) {
    const missing = CONFIG_ASSETS.filter((s) => !found.has(s)).map((s) => s.name);
    throw new AssetError(
      `the official AlignBench judging configs ${missing.join(', ')} are not registered. Fix: \`evalh data pull alignbench\` ` +
        `(downloads them from github.com/THUDM/AlignBench at a pinned commit) or \`evalh data add alignbench <AlignBench checkout or copy>\`; ` +
        `to try evalh without them, add --sample`,
    );
  }
  return sampleConfigs();
}

function sampleConfigs(): JudgingConfigs {
  const dir = join(SAMPLE_DIR, 'config');
  const read = (spec: AssetSpec) => {
    const file = join(dir, spec.name.replace(/^config\//, ''));
    if (!existsSync(file) || !statSync(file).isFile()) throw new AssetError(`${file}: the built-in sample config is missing (a broken install?)`);
    const bytes = readFileSync(file);
    return { file, value: JSON.parse(bytes.toString('utf8')) as unknown, sha256: sha256(bytes) };
  };
  const t = read(TEMPERATURE);
  const s = read(DIMENSION_SET);
  const d = read(DIMENSION_DEFINITION);
  const m = read(SUBCATEGORY_MAPPING);
  return {
    source: 'evalh-sample',
    temperature: checkTemperature(t.value, t.file),
    dimensionSet: checkDimensionSet(s.value, s.file),
    definitions: checkStringMap(d.value, d.file),
    subcategoryType: checkStringMap(m.value, m.file),
    hashes: { [TEMPERATURE.name]: t.sha256, [DIMENSION_SET.name]: s.sha256, [DIMENSION_DEFINITION.name]: d.sha256, [SUBCATEGORY_MAPPING.name]: m.sha256 },
  };
}

/** judge.py's category2dimensions: subcategory → question type → dimension list (undefined: judge.py would crash). */
export function dimensionsOf(configs: JudgingConfigs, subcategory: string): string[] | undefined {
  const type = Object.hasOwn(configs.subcategoryType, subcategory) ? configs.subcategoryType[subcategory]! : undefined;
  if (type === undefined || !Object.hasOwn(configs.dimensionSet, type)) return undefined;
  return configs.dimensionSet[type];
}

/** get_answers.py: temp_config.get(category, 0.7). */
export function temperatureOf(configs: JudgingConfigs, category: string): number {
  return Object.hasOwn(configs.temperature, category) ? configs.temperature[category]! : DEFAULT_TEMPERATURE;
}
