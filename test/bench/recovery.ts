// The 429 back-off figure of `npm run bench`: a server that answers 429 (Retry-After: 1) to
// every request for two seconds mid-run; how long after the storm ends does the run get its
// throughput back? Measured as the run's wall time minus the same run without the storm,
// minus the storm itself: the time lost to backing off beyond the storm.
import { spawn } from 'node:child_process';
import { startSimServer } from '../helpers/sim-server.js';

export interface Timed {
  wallS: number;
  code: number | null;
}

/** Runs the CLI without blocking this process's event loop (the sim server lives here). */
function timedRun(node: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Timed> {
  const t0 = performance.now();
  const child = spawn(node, args, { env, cwd, stdio: ['ignore', 'ignore', 'ignore'] });
  return new Promise((resolve) => child.on('close', (code) => resolve({ wallS: (performance.now() - t0) / 1000, code })));
}

export async function measureRecovery(
  cli: string,
  dataDir: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ baseline: Timed; storm: Timed; lostS: number; stormS: number }> {
  const stormS = 2;
  const args = (url: string, name: string) => [
    cli, 'run', 'longbench', '--data', dataDir, '--endpoint', url, '--model', 'sim', '--concurrency', '32', '--max-length', '3500', '--name', name, '--json',
  ];
  const calm = await startSimServer({ latencyMs: 50, record: false });
  const baseline = await timedRun(process.execPath, args(calm.url, 'bench-calm'), env, cwd);
  await calm.close();

  let start = 0;
  const stormy = await startSimServer({
    latencyMs: 50,
    record: false,
    faults: () => {
      const t = (performance.now() - start) / 1000;
      return t > 1 && t < 1 + stormS ? { kind: 'status', status: 429, retryAfter: '1' } : undefined;
    },
  });
  start = performance.now();
  const storm = await timedRun(process.execPath, args(stormy.url, 'bench-storm'), env, cwd);
  await stormy.close();
  return { baseline, storm, stormS, lostS: storm.wallS - baseline.wallS - stormS };
}
