import { resolve } from 'node:path';
import { ReplayRunner } from '../../runners/replay.js';
import { UsageError } from '../errors.js';
import { log } from '../progress.js';
import { executeRun, InterruptedError } from '../run.js';
import { Store } from '../store.js';
import { getSuite } from '../suites.js';
import type { OpenOptions } from '../suite.js';
import { printResult } from './output.js';
import { checkEndpointUrl } from '../../runners/preflight.js';
import { checkServers, judgeEndpointCheck, makeJudge } from './run.js';

export interface RejudgeArgs {
  run: string;
  judgeEndpoint: string;
  judgeModel: string;
  judgeConcurrency: number;
  judgeCache: boolean;
  name?: string;
  timeout: number;
  retries: number;
  db: string;
  json: boolean;
}

/** Judges an existing run's answers with another judge, as a new run: the model is not asked again. */
export async function rejudgeCommand(args: RejudgeArgs): Promise<void> {
  checkEndpointUrl('--judge-endpoint', args.judgeEndpoint, 'EVALH_JUDGE_API_KEY');
  const file = resolve(args.db);
  const store = Store.openExisting(file);
  const stopper = new AbortController();
  const onSignal = () => stopper.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const old = store.findRun(args.run);
    if (!old) throw new UsageError(`no run named "${args.run}" in ${file}`);
    const suite = getSuite(old.suite);
    if (!suite.needsJudge) throw new UsageError(`run "${args.run}" is a ${old.suite} run, which has no judge`);
    const open = old.settings.open as OpenOptions | undefined;
    if (!open) throw new UsageError(`run "${args.run}" does not record how its data was opened; run it again with this evalh`);
    const source = await suite.open(open);
    const answers = new Map<string, string>();
    for (const it of store.items(old.id)) if (it.output !== undefined) answers.set(it.itemId, it.output);
    const runner = new ReplayRunner(answers, `run:${old.name}`, old.fingerprint);
    await checkServers([judgeEndpointCheck(args)], args.timeout); // before the new run is created
    const judge = makeJudge(args, store, stopper.signal);
    const name = args.name ?? `${old.name}-judged-by-${args.judgeModel.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
    log(`rejudging ${answers.size} answers of "${old.name}" with ${args.judgeModel} as run "${name}"`);
    const outcome = await executeRun(
      store,
      {
        suite,
        source,
        runner,
        ctx: { needsPrompt: false },
        name,
        tags: { ...old.tags, rejudged_from: old.name },
        concurrency: args.judgeConcurrency,
        timeoutMs: args.timeout * 1000,
        retries: args.retries,
        errorBudget: 0.05,
        quiet: args.json,
        fingerprintExtra: {},
        settingsExtra: { open, judge: judge.runner.settings, rejudgedFrom: old.name },
        judge,
      },
      stopper.signal,
    );
    if (outcome.ending === 'interrupted') throw new InterruptedError(`interrupted; run the same command again to continue`);
    printResult(suite, outcome.run, outcome.summary, outcome.counts, args.json, source.labels);
    if (outcome.message) log(outcome.message);
    if (outcome.run.status === 'failed') process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    store.close();
  }
}
