// A tiny HTML builder whose default is safe: every value interpolated into `html`...``
// is escaped unless it is itself the result of `html` (or `raw`). Run names, tags,
// settings and model outputs are untrusted text; none of them can become markup.
// (A template engine would be one more dependency for a dozen small templates.)

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Content = Html | string | number | null | undefined | false | readonly Content[];

export function html(strings: TemplateStringsArray, ...values: Content[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that is already safe (built here, never from data). */
export function raw(markup: string): Html {
  return new Html(markup);
}

export function render(v: Content): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON for a <script type="application/json"> block: nothing in it can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A LongBench score (0..100, two decimals); an empty bucket (NaN) or a missing dataset shows as a dash. */
export function fmtScore(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2);
}

export function fmtDelta(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const r = Math.round(x * 100) / 100;
  if (r === 0) return '±0.00';
  return (r > 0 ? '+' : '−') + Math.abs(r).toFixed(2);
}

export function deltaClass(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'delta';
  const r = Math.round(x * 100) / 100;
  return r > 0 ? 'delta up' : r < 0 ? 'delta down' : 'delta';
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "2026-11-28T19:45:52.658Z" → "2026-11-28 19:45:52 UTC". */
export function fmtTime(iso: string | null): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export function fmtDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return '';
  const s = (Date.parse(endIso) - Date.parse(startIso)) / 1000;
  if (!Number.isFinite(s) || s < 0) return '';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** Lets long identifiers (passage_retrieval_en, run names) wrap at _ - / . */
export function breakable(s: string): Html {
  return new Html(escapeHtml(s).replace(/([_\-/.])/g, '$1<wbr>'));
}
