import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RunRow, Store } from '../src/store.js';
import type { Suite } from '../src/suite.js';
import { agentbenchCollect, agentbenchDbView } from './agentbench.js';
import { agentbenchOsCollect, agentbenchOsView } from './agentbench-os.js';
import { alignbenchCollect, alignbenchView } from './alignbench.js';
import { humanevalxCollect, humanevalxView, ncbCollect, ncbView } from './code.js';
import { collectReport, type CollectHooks } from './collect.js';
import { renderDocument, type PageAssets } from './document.js';
import { genericView } from './generic.js';
import { longbenchEView, longbenchView } from './longbench.js';
import { longbenchV2View } from './longbench-v2.js';
import { needleCollect, needleView } from './needle.js';
import type { SuiteViewBuilder } from './view.js';

// evalh report: store → data (collect.ts) → the suite's view (tables, charts) → one HTML
// file with Chart.js, the page script and the styles inlined (document.ts).

const VIEWS: Record<string, SuiteViewBuilder> = {
  longbench: longbenchView,
  'longbench-e': longbenchEView,
  'longbench-v2': longbenchV2View,
  alignbench: alignbenchView,
  'humaneval-x': humanevalxView,
  ncb: ncbView,
  needle: needleView,
  'agentbench-db': agentbenchDbView,
  'agentbench-os': agentbenchOsView,
};

/** Suites whose items carry more than the common fields into the report. */
const COLLECT: Record<string, CollectHooks> = {
  alignbench: alignbenchCollect,
  'humaneval-x': humanevalxCollect,
  ncb: ncbCollect,
  needle: needleCollect,
  'agentbench-db': agentbenchCollect,
  'agentbench-os': agentbenchOsCollect,
};

export interface BuiltReport {
  html: string;
  items: number;
}

export function buildReport(store: Store, runs: RunRow[], suite: Suite, opts: { store: string; evalhVersion: string; now?: Date }): BuiltReport {
  const data = collectReport(store, runs, suite, COLLECT[suite.name]);
  const view = (VIEWS[suite.name] ?? genericView)(data);
  const html = renderDocument(data, view, loadAssets(), {
    generatedAt: (opts.now ?? new Date()).toISOString(),
    evalhVersion: opts.evalhVersion,
    store: opts.store,
  });
  return { html, items: data.items.length };
}

let assets: PageAssets | undefined;

export function loadAssets(): PageAssets {
  if (assets) return assets;
  const here = (f: string) => readFileSync(new URL(f, import.meta.url), 'utf8');
  const loaded: PageAssets = { chartJs: chartJsSource(), appJs: here('./client/app.js'), css: here('./client/styles.css') };
  // Inlined verbatim, so none of them may end its element early.
  for (const [name, text] of Object.entries(loaded)) {
    if (/<\/(script|style)/i.test(text) || text.includes('<!--')) throw new Error(`report asset ${name} cannot be inlined (contains </script>, </style> or <!--)`);
  }
  return (assets = loaded);
}

/** Chart.js's UMD build (defines window.Chart), read from the installed package; its source-map comment is dropped. */
function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  // The package's exports map does not expose dist/ files; its main entry lives next to the UMD build.
  const file = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  return readFileSync(file, 'utf8').replace(/\s*\/\/# sourceMappingURL=\S*\s*$/, '\n');
}
