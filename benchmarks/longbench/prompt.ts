import { truncateMiddle } from '../../src/tokenizers/truncate.js';
import type { PreparedRequest, RequestContext, SuiteItem } from '../../src/suite.js';
import { UsageError } from '../../src/errors.js';
import { datasetSpec } from './datasets.js';
import type { DataRecord } from './records.js';
import { fillTemplate, type Templates } from './templates.js';

/**
 * pred.py: fill the template, middle-truncate to the model's budget with its tokenizer
 * (two decodes joined without separator), then chat template for all but the six raw
 * datasets; greedy, max_new_tokens from dataset2maxlen, samsum stopping at a newline.
 */
export async function buildRequest(item: SuiteItem, templates: Templates, ctx: RequestContext): Promise<PreparedRequest> {
  const spec = datasetSpec(item.dataset)!;
  const record = item.record as DataRecord;
  let prompt = fillTemplate(templates.prompts[item.dataset]!, record);
  let promptTokens: number | undefined;
  let truncatedTokens: number | undefined;
  if (ctx.needsPrompt) {
    if (!ctx.tokenizer || ctx.maxLength === undefined) {
      throw new UsageError('LongBench truncates long prompts with the model tokenizer: pass --tokenizer and --max-length');
    }
    const cut = await truncateMiddle(ctx.tokenizer, prompt, ctx.maxLength, 'v1', { skipWhenBytesFit: true });
    prompt = cut.text;
    promptTokens = cut.promptTokens;
    truncatedTokens = cut.truncatedTokens;
  }
  return {
    request: {
      kind: spec.chat ? 'chat' : 'completion',
      prompt,
      maxTokens: templates.maxNewTokens[item.dataset] ?? spec.maxNewTokens,
      temperature: 0,
      ...(spec.stop ? { stop: spec.stop } : {}),
    },
    ...(promptTokens !== undefined ? { promptTokens } : {}),
    ...(truncatedTokens !== undefined ? { truncatedTokens } : {}),
  };
}
