import { randomIndex, rngFor } from '../../src/stats/prng.js';
import { GENERATOR_VERSION, type Sentence } from './haystack.js';

// The needle (one sentence with a city and a 7-digit number) and where it goes: at the
// sentence boundary nearest the depth fraction of the haystack.

const CITIES = [
  'Lisbon', 'Oslo', 'Nairobi', 'Montreal', 'Kyoto', 'Valparaiso', 'Tbilisi', 'Reykjavik', 'Marrakesh', 'Hanoi',
  'Krakow', 'Auckland', 'Cartagena', 'Tallinn', 'Bergen', 'Seville', 'Porto', 'Zanzibar', 'Ljubljana', 'Cusco',
  'Edinburgh', 'Salzburg', 'Dubrovnik', 'Quebec', 'Adelaide', 'Riga', 'Granada', 'Bruges', 'Kathmandu', 'Ushuaia',
];

export interface Needle {
  city: string;
  /** Seven digits, the first not 0. */
  value: string;
  sentence: string;
}

/** The needle of one cell: its own PRNG stream per (seed, length, depth, repeat). */
export function needleFor(seed: number, length: number, depth: number, repeat: number): Needle {
  const rng = rngFor(seed, `${GENERATOR_VERSION}/needle/${length}/${depth}/${repeat}`);
  const city = CITIES[randomIndex(rng, CITIES.length)]!;
  const value = String(1_000_000 + randomIndex(rng, 9_000_000));
  return { city, value, sentence: `The special magic number for ${city} is ${value}.` };
}

/**
 * The boundary index (0 = before the first sentence, n = after the last) whose character
 * offset is nearest depth% of the haystack's characters; ties go to the earlier boundary.
 * Characters stand in for tokens here: the filler is uniform, so the two agree within a
 * sentence, and the position needs no tokenizer.
 */
export function boundaryAt(sentences: readonly Sentence[], depthPercent: number): number {
  const offsets = [0];
  let chars = 0;
  sentences.forEach((s, i) => {
    chars += (i === 0 ? 0 : s.sep.length) + s.text.length;
    offsets.push(chars);
  });
  const goal = (depthPercent / 100) * chars;
  let best = 0;
  for (let i = 1; i < offsets.length; i++) if (Math.abs(offsets[i]! - goal) < Math.abs(offsets[best]! - goal)) best = i;
  return best;
}

/** The haystack with the needle inserted at boundary `at` (a space either side; paragraphs kept). */
export function insertNeedle(sentences: readonly Sentence[], at: number, needle: Needle): Sentence[] {
  const out = sentences.slice();
  out.splice(at, 0, { sep: ' ', text: needle.sentence });
  return out;
}
