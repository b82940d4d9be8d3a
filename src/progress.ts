/**
 * One status line on stderr, redrawn at most every 200 ms: done/total, rate, ETA, errors.
 * Quiet when stderr is not a terminal or with --json, as the command contract says.
 */
export class Progress {
  private done = 0;
  private errors = 0;
  private retries = 0;
  private lastDraw = 0;
  private readonly started = performance.now();
  private readonly live: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly skipped: number,
    quiet: boolean,
    private readonly extra?: () => string,
  ) {
    this.live = !quiet && process.stderr.isTTY === true;
  }

  tick(ok: boolean, retries = 0): void {
    if (ok) this.done++;
    else this.errors++;
    this.retries += retries;
    if (!this.live) return;
    const now = performance.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.draw(now);
  }

  finish(): void {
    if (!this.live) return;
    this.draw(performance.now());
    process.stderr.write('\n');
  }

  private draw(now: number): void {
    const seconds = (now - this.started) / 1000;
    const finished = this.done + this.errors;
    const rate = finished / Math.max(seconds, 1e-3);
    const left = this.total - this.skipped - finished;
    const eta = rate > 0 ? formatDuration(left / rate) : '?';
    const pct = this.total > 0 ? Math.floor((100 * (this.skipped + finished)) / this.total) : 100;
    const parts = [
      `${this.label}: ${this.skipped + finished}/${this.total} (${pct}%)`,
      `${rate.toFixed(1)} items/s`,
      `ETA ${eta}`,
      `errors ${this.errors}`,
    ];
    if (this.retries) parts.push(`retries ${this.retries}`);
    if (this.extra) parts.push(this.extra());
    process.stderr.write(`\r\x1b[2K${parts.join('  ')}`);
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A log line on stderr, unless quiet (--json keeps stdout clean; stderr logs stay useful). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
