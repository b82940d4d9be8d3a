import type { ItemEntry, ReportData } from './collect.js';
import type { Html } from './html.js';

// What a suite contributes to a report: the headline numbers, its summary tables in the
// official layout, and the charts (as plain specs; the page script turns them into
// Chart.js configurations).

export interface ChartSeries {
  label: string;
  /** Bar charts: one value per label. Line charts: points {x, y}. null = no value (an empty bucket). */
  data: (number | null)[] | { x: number; y: number | null }[];
  color: string;
  /** Per-bar colours (a single-run bar chart coloured by category). */
  colors?: string[];
  /** A thicker line (the overall score among category lines). */
  strong?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  note?: string;
  kind: 'bar' | 'line' | 'radar';
  /** Category labels; a radar chart's may hold "\n" for a second line. */
  labels?: string[];
  series: ChartSeries[];
  xTitle?: string;
  yTitle?: string;
  /** The value axis (a radar's radial scale, a bar chart's y): bar charts default to 0–100; an empty object = automatic. */
  scale?: { min?: number; max?: number; step?: number; integer?: boolean };
  /** Print the value above each bar (few bars only). */
  valueLabels?: boolean;
  /** A legend drawn in HTML above the chart (per-bar colours); otherwise Chart.js's own legend for several series. */
  legendItems?: { label: string; color: string }[];
  /** Point labels (run names) for a line chart's tooltip, keyed by x. */
  pointNames?: Record<string, string>;
  height: number;
  /** Spans the full width of the page instead of half. */
  wide?: boolean;
  /** Shown beside the main score table instead of in the charts section. */
  beside?: boolean;
}

export interface SuiteView {
  headline: Html;
  /** Full-width tables in the official layout. */
  tables: Html;
  /** How the numbers were computed (one sentence under the Scores heading). */
  scoresNote: string;
  /** The main score table, with the `beside` charts next to it. */
  mainTable: Html;
  charts: ChartSpec[];
  /** Extra per-item grouping shown in the item table (LongBench-E: the length bucket). */
  groupName?: string;
  groups?: string[];
  groupOf?: (item: ItemEntry) => string;
}

export type SuiteViewBuilder = (data: ReportData) => SuiteView;

// Tableau 10: distinct, colour-blind-aware hues that print well.
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function runColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Short names for runs in dense places (A, B, C, ...). */
export function runLetter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`;
}
