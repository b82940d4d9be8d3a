// How much of a suite's full set an import covers. An import is whatever predictions a
// folder happens to hold: 3 answers to 70 problems score 100 as easily as 70 do, so the
// score is always shown beside what it is over, and an import short of the full set is
// stored as a 'partial' run (which the gate does not take as completed).
//
// A `run --limit N` or `--datasets a,b` is different: the user chose the subset, the run
// records it (settings, fingerprint) and finishes every item it was asked for, so it is
// 'completed'. An import has no such request to compare with; it is compared with the
// suite's own full set of each dataset (split, language) it covers — a folder with only
// python_en answers is judged on python_en alone — because that is what its official
// script's number would be read as.

export interface CoveragePart {
  /** A dataset, split or language of the suite (or the suite itself, for one-file imports). */
  name: string;
  /** Distinct items (problems, questions) the import has predictions for. */
  have: number;
  /** Items in the full set; null when evalh cannot know it (said so wherever it shows). */
  of: number | null;
}

export interface Coverage {
  /** What is counted: 'items', 'problems', 'questions'. */
  unit: string;
  parts: CoveragePart[];
  /** Where the full sizes come from, or why they are not known. */
  source: string;
}

export interface CoverageSummary extends Coverage {
  have: number;
  /** Sum over the parts, or null when any part's size is unknown. */
  of: number | null;
  partial: boolean;
}

export function summarizeCoverage(c: Coverage): CoverageSummary {
  const have = c.parts.reduce((n, p) => n + p.have, 0);
  const of = c.parts.every((p) => p.of !== null) ? c.parts.reduce((n, p) => n + p.of!, 0) : null;
  const partial = c.parts.some((p) => p.of !== null && p.have < p.of);
  return { ...c, have, of, partial };
}

const n = (x: number) => x.toLocaleString('en-US');

/** "3 of 70 problems", or "1,234 items (full size not known)". */
export function coverageHeadline(c: CoverageSummary): string {
  if (c.of === null) return `${n(c.have)} ${c.unit} (full size not known)`;
  return `${n(c.have)} of ${n(c.of)} ${c.unit}`;
}

/** One line for the text outputs: the headline, per part when there are several, and what it means. */
export function describeCoverage(c: CoverageSummary): string {
  const parts = c.parts.length > 1
    ? ` (${c.parts.map((p) => `${p.name} ${n(p.have)}${p.of === null ? '' : ` of ${n(p.of)}`}`).join(', ')})`
    : '';
  const over = c.parts.filter((p) => p.of !== null && p.have > p.of).map((p) => p.name);
  const tail = c.partial
    ? ' — partial: the scores cover only these'
    : over.length > 0
      ? ` — more than the full set of ${over.join(', ')} (${c.source}): are these predictions of other data?`
      : c.of === null
        ? ` — ${c.source}`
        : '';
  return `imported: ${coverageHeadline(c)}${parts}${tail}`;
}

/** The coverage an import stored with its run (absent for runs and for imports older than this). */
export function coverageOf(settings: Record<string, unknown>): CoverageSummary | undefined {
  const c = settings.coverage as Coverage | undefined;
  if (!c || !Array.isArray(c.parts)) return undefined;
  return summarizeCoverage(c);
}
