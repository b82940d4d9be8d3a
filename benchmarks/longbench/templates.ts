import { loadAsset, requireAsset } from '../../src/assets.js';
import { DATASET2MAXLEN, DATASET2PROMPT } from './assets.js';
import { DATASETS } from './datasets.js';

export interface Templates {
  /** 'official' (verified dataset2prompt.json) or 'evalh-sample' (the sample's own wording). */
  source: 'official' | 'evalh-sample';
  prompts: Record<string, string>;
  maxNewTokens: Record<string, number>;
}

// The built-in sample must run with no download, so it carries prompts of its own, written
// for evalh; they are used only when the official file is not registered, and the run
// records which set it used.
const SAMPLE_PROMPTS: Record<string, string> = Object.fromEntries(
  DATASETS.map((d) => {
    if (d.language === 'code') return [d.name, 'Complete the code below.\n{context}{input}Next line of code:\n'];
    if (d.category === 'Summarization') return [d.name, d.language === 'zh' ? '总结下面的内容。\n{context}\n总结：' : 'Summarize the text below.\n\n{context}\n\nSummary:'];
    if (d.language === 'zh') return [d.name, '阅读以下材料并回答问题。\n\n{context}\n\n问题：{input}\n回答：'];
    return [d.name, 'Read the text below and answer the question.\n\n{context}\n\nQuestion: {input}\nAnswer:'];
  }),
);

export function loadTemplates(suite: string, sample: boolean): Templates {
  const prompts = loadAsset(suite, DATASET2PROMPT);
  const maxlen = loadAsset(suite, DATASET2MAXLEN);
  const tableMax = Object.fromEntries(DATASETS.map((d) => [d.name, d.maxNewTokens]));
  if (prompts && maxlen) {
    return {
      source: 'official',
      prompts: JSON.parse(prompts.toString('utf8')) as Record<string, string>,
      maxNewTokens: JSON.parse(maxlen.toString('utf8')) as Record<string, number>,
    };
  }
  if (!sample) requireAsset(suite, prompts ? DATASET2MAXLEN : DATASET2PROMPT); // throws, naming the fix
  return { source: 'evalh-sample', prompts: SAMPLE_PROMPTS, maxNewTokens: tableMax };
}

/**
 * pred.py fills the template with str.format(**record): one pass, so a "{input}" that
 * appears inside the context stays literal. The templates hold no other braces.
 */
export function fillTemplate(template: string, record: { context: string; input: string }): string {
  return template.replace(/\{(context|input)\}/g, (_m, key: 'context' | 'input') => record[key]);
}
