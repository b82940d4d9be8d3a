import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadAsset, readManifest } from '../../src/assets.js';
import { UsageError } from '../../src/errors.js';
import { sha256 } from '../../src/hash.js';
import { scoreItem } from '../../src/metrics/index.js';
import type { OpenOptions, Suite, SuiteSource } from '../../src/suite.js';
import { summarizeE, summarizeV1 } from './aggregate.js';
import { MODEL2MAXLEN } from './assets.js';
import { countJsonl } from '../../src/jsonl.js';
import { V1_ITEMS, datasetSpec, suiteDatasets } from './datasets.js';
import { SAMPLE_DIR, checkFiles, dataFileName, resolveDataDir, streamItems } from './load.js';
import { readPredictionDir } from './predictions.js';
import { buildRequest } from './prompt.js';
import type { Target } from './records.js';
import { renderE, renderV1 } from './table.js';
import { loadTemplates } from './templates.js';

// Bumped whenever a metric's semantics change, so old runs are not mixed with new ones.
const METRIC_VERSION = 'longbench-metrics-1';
const ASSET_SUITE = 'longbench'; // LongBench-E shares the v1 assets and data.zip

function makeSuite(variant: 'v1' | 'e'): Suite {
  const name = variant === 'v1' ? 'longbench' : 'longbench-e';
  const specs = suiteDatasets(variant);
  const names = specs.map((d) => d.name);
  let templates: ReturnType<typeof loadTemplates> | undefined;

  return {
    name,
    title: variant === 'v1' ? 'LongBench v1 (21 datasets)' : 'LongBench-E (13 datasets, length buckets)',
    datasets: names,
    truncates: true,

    async open(opts: OpenOptions): Promise<SuiteSource> {
      const datasets = opts.datasets && opts.datasets.length > 0 ? opts.datasets : names;
      for (const d of datasets) {
        if (!names.includes(d)) throw new UsageError(`unknown ${name} dataset "${d}"; known: ${names.join(', ')}`);
      }
      const location = opts.sample ? { dir: SAMPLE_DIR } : await resolveDataDir(ASSET_SUITE, opts.data);
      const dir = location.dir;
      const files = await checkFiles(
        datasets.map((d) => ({ dataset: d, file: join(dir, dataFileName(d, variant)) })),
        opts.limit,
        'recorded' in location ? location.recorded : undefined,
      );
      // The user's data is checked first (its errors are theirs to fix), then the assets.
      templates = loadTemplates(ASSET_SUITE, opts.sample);
      const t = templates;
      const labels = opts.sample ? ['sample, not the official benchmark'] : [];
      if (opts.sample && t.source === 'evalh-sample') labels.push('evalh sample prompts (official dataset2prompt.json not registered)');
      return {
        datasets,
        total: files.reduce((n, f) => n + f.count, 0),
        labels,
        fingerprint: {
          suite: name,
          metrics: METRIC_VERSION,
          sample: opts.sample,
          prompts: t.source === 'official' ? 'official:' + sha256(JSON.stringify(datasets.map((d) => t.prompts[d]))) : 'evalh-sample',
          maxNewTokens: Object.fromEntries(datasets.map((d) => [d, t.maxNewTokens[d] ?? datasetSpec(d)!.maxNewTokens])),
          data: Object.fromEntries(files.map((f) => [f.dataset, f.sha256])),
        },
        settings: { dataDir: opts.sample ? 'built-in sample' : dir, datasets, limit: opts.limit ?? null, prompts: t.source },
        items: () => streamItems(files, opts.limit),
        itemIds: () => files.flatMap((f) => Array.from({ length: f.count }, (_, seq) => `${f.dataset}/${seq}`)),
      };
    },

    prepare(item, ctx) {
      if (!templates) throw new Error('prepare() before open()');
      return buildRequest(item, templates, ctx);
    },

    score(item, output) {
      const spec = datasetSpec(item.dataset)!;
      const t = item.target as Target;
      return { score: scoreItem(spec.metric, output, t.answers, t.all_classes, item.dataset) };
    },

    summarize(items, datasets) {
      return variant === 'v1' ? summarizeV1(items, datasets) : summarizeE(items, datasets);
    },

    renderSummary(summary) {
      return variant === 'v1' ? renderV1(summary) : renderE(summary);
    },

    readPredictions(path) {
      return readPredictionDir(path, variant, (datasets) => fullSizes(variant, datasets));
    },

    officialMaxLength(model) {
      const bytes = loadAsset(ASSET_SUITE, MODEL2MAXLEN);
      if (!bytes) return undefined;
      return (JSON.parse(bytes.toString('utf8')) as Record<string, number>)[model];
    },
  };
}

/**
 * The full size of each dataset an import covers: v1's from the official table; LongBench-E's
 * counted in the registered data (the official page gives no table), else not known — and
 * said so, never guessed.
 */
async function fullSizes(variant: 'v1' | 'e', datasets: string[]): Promise<{ sizes: Record<string, number | null>; source: string }> {
  if (variant === 'v1') return { sizes: Object.fromEntries(datasets.map((d) => [d, V1_ITEMS[d] ?? null])), source: "LongBench's task.md (the official item counts)" };
  const data = readManifest(ASSET_SUITE).data;
  const sizes: Record<string, number | null> = {};
  for (const d of datasets) {
    const file = data ? join(data.path, dataFileName(d, 'e')) : undefined;
    sizes[d] = file && existsSync(file) ? await countJsonl(file) : null;
  }
  return Object.values(sizes).some((s) => s === null)
    ? { sizes, source: 'the full size of a LongBench-E dataset is known only from its data: register it with `evalh data add longbench <data.zip>` to check' }
    : { sizes, source: `the registered data (${data!.path})` };
}

export const longbench = makeSuite('v1');
export const longbenchE = makeSuite('e');
