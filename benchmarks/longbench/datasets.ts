import type { MetricName } from '../../src/metrics/index.js';

// LongBench v1 (Bai et al., 2023), as its config files and eval.py define it. One row per
// dataset: the metric eval.py applies, the generation budget of dataset2maxlen.json, the
// paper's task category, and whether pred.py applies the chat template (six datasets go in
// raw, as completions).

export type Category = 'Single-Doc QA' | 'Multi-Doc QA' | 'Summarization' | 'Few-shot Learning' | 'Synthetic' | 'Code';

export interface DatasetSpec {
  name: string;
  language: 'en' | 'zh' | 'code';
  metric: MetricName;
  maxNewTokens: number;
  category: Category;
  chat: boolean;
  /** Part of LongBench-E (files <name>_e.jsonl, predictions under pred_e/). */
  inE: boolean;
  /** pred.py stops samsum at the first newline. */
  stop?: string[];
}

const row = (
  name: string,
  language: DatasetSpec['language'],
  metric: MetricName,
  maxNewTokens: number,
  category: Category,
  chat: boolean,
  inE: boolean,
  stop?: string[],
): DatasetSpec => ({ name, language, metric, maxNewTokens, category, chat, inE, ...(stop ? { stop } : {}) });

//                name                    lang    metric            max  category             chat   in E
export const DATASETS: readonly DatasetSpec[] = [
  row('narrativeqa',          'en',   'qa_f1',          128, 'Single-Doc QA',     true,  false),
  row('qasper',               'en',   'qa_f1',          128, 'Single-Doc QA',     true,  true),
  row('multifieldqa_en',      'en',   'qa_f1',           64, 'Single-Doc QA',     true,  true),
  row('multifieldqa_zh',      'zh',   'qa_f1_zh',        64, 'Single-Doc QA',     true,  false),
  row('hotpotqa',             'en',   'qa_f1',           32, 'Multi-Doc QA',      true,  true),
  row('2wikimqa',             'en',   'qa_f1',           32, 'Multi-Doc QA',      true,  true),
  row('musique',              'en',   'qa_f1',           32, 'Multi-Doc QA',      true,  false),
  row('dureader',             'zh',   'rouge_zh',       128, 'Multi-Doc QA',      true,  false),
  row('gov_report',           'en',   'rouge',          512, 'Summarization',     true,  true),
  row('qmsum',                'en',   'rouge',          512, 'Summarization',     true,  false),
  row('multi_news',           'en',   'rouge',          512, 'Summarization',     true,  true),
  row('vcsum',                'zh',   'rouge_zh',       512, 'Summarization',     true,  false),
  row('trec',                 'en',   'classification',  64, 'Few-shot Learning', false, true),
  row('triviaqa',             'en',   'qa_f1',           32, 'Few-shot Learning', false, true),
  row('samsum',               'en',   'rouge',          128, 'Few-shot Learning', false, true, ['\n']),
  row('lsht',                 'zh',   'classification',  64, 'Few-shot Learning', false, false),
  row('passage_count',        'en',   'count',           32, 'Synthetic',         true,  true),
  row('passage_retrieval_en', 'en',   'retrieval',       32, 'Synthetic',         true,  true),
  row('passage_retrieval_zh', 'zh',   'retrieval_zh',    32, 'Synthetic',         true,  false),
  row('lcc',                  'code', 'code_sim',        64, 'Code',              false, true),
  row('repobench-p',          'code', 'code_sim',        64, 'Code',              false, true),
];

/**
 * Items per dataset of the official v1 release (LongBench's task.md; 4,750 in all): what an
 * import of pred/<model>/ is compared with. LongBench-E's sizes are not published in a table;
 * they are counted from the registered data when there is one (see index.ts).
 */
export const V1_ITEMS: Readonly<Record<string, number>> = {
  narrativeqa: 200, qasper: 200, multifieldqa_en: 150, multifieldqa_zh: 200,
  hotpotqa: 200, '2wikimqa': 200, musique: 200, dureader: 200,
  gov_report: 200, qmsum: 200, multi_news: 200, vcsum: 200,
  trec: 200, triviaqa: 200, samsum: 200, lsht: 200,
  passage_count: 200, passage_retrieval_en: 200, passage_retrieval_zh: 200,
  lcc: 500, 'repobench-p': 500,
};

export const CATEGORIES: readonly Category[] = [
  'Single-Doc QA',
  'Multi-Doc QA',
  'Summarization',
  'Few-shot Learning',
  'Synthetic',
  'Code',
];

export const LONGBENCH_E_BUCKETS = ['0-4k', '4-8k', '8k+'] as const;

const byName = new Map(DATASETS.map((d) => [d.name, d]));

export function datasetSpec(name: string): DatasetSpec | undefined {
  return byName.get(name);
}

export function suiteDatasets(variant: 'v1' | 'e'): DatasetSpec[] {
  return DATASETS.filter((d) => variant === 'v1' || d.inE);
}
