import { randomIndex, rngFor, type Rng } from '../../src/stats/prng.js';

// The haystack: readable English filler made by evalh itself from small word tables and a
// seeded PRNG, so the test needs no data files and a seed reproduces it byte for byte. The
// filler never contains a digit or a city name, so the needle's value and city are unique
// in every prompt. Bump GENERATOR_VERSION whenever the tables or the composition change:
// it is part of the run fingerprint.

export const GENERATOR_VERSION = 'needle-haystack-1';

const PEOPLE = [
  'the old gardener', 'a quiet librarian', 'the village baker', 'my grandmother', 'the night watchman', 'a young painter',
  'the ferry captain', 'our neighbour', 'the school teacher', 'a travelling musician', 'the shopkeeper', 'the retired sailor',
  'a curious student', 'the carpenter', 'the beekeeper', 'a tired doctor', 'the choir director', 'the postman',
];
// Regular verbs only: the simple past and the past participle are the same word.
const VERBS = [
  'repaired', 'painted', 'described', 'carried', 'visited', 'watched', 'cleaned', 'opened', 'collected', 'studied',
  'mentioned', 'followed', 'arranged', 'polished', 'measured', 'sketched', 'questioned', 'admired', 'ignored', 'wrapped',
];
const THINGS = [
  'the wooden fence', 'a long letter', 'the blue teapot', 'an old map', 'the garden gate', 'a basket of apples',
  'the broken clock', 'a pile of books', 'the narrow staircase', 'a faded photograph', 'the kitchen window', 'a bundle of candles',
  'the stone bridge', 'a pair of boots', 'the church bell', 'a jar of honey', 'the rusty bicycle', 'a woollen scarf',
];
const WHEN_WHERE = [
  'near the river', 'before dawn', 'after the rain', 'in the afternoon', 'behind the market', 'on a windy morning',
  'at the edge of the forest', 'during the long winter', 'by the harbour', 'under the old oak', 'after supper', 'in the attic',
];
const REASONS = [
  'because the road was closed', 'while the kettle was boiling', 'although nobody had asked', 'as the clouds gathered',
  'since the weather had turned', 'while the children were asleep', 'before the guests arrived', 'as the lamps were lit',
];
const FEELINGS = ['calm', 'strange', 'pleasant', 'unusual', 'peaceful', 'surprising', 'familiar', 'quiet', 'gentle', 'curious'];
const ADVERBS = ['carefully', 'slowly', 'patiently', 'cheerfully', 'quietly', 'gladly', 'thoroughly', 'happily'];

type Pick = <T>(table: readonly T[]) => T;

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const TEMPLATES: ((p: Pick) => string)[] = [
  (p) => `${cap(p(PEOPLE))} ${p(VERBS)} ${p(THINGS)} ${p(WHEN_WHERE)}.`,
  (p) => `${cap(p(WHEN_WHERE))}, ${p(PEOPLE)} ${p(ADVERBS)} ${p(VERBS)} ${p(THINGS)}.`,
  (p) => `${cap(p(PEOPLE))} ${p(VERBS)} ${p(THINGS)} ${p(REASONS)}.`,
  (p) => `It felt ${p(FEELINGS)} to see how ${p(PEOPLE)} ${p(VERBS)} ${p(THINGS)}.`,
  (p) => `Nobody was surprised that ${p(PEOPLE)} had ${p(VERBS)} ${p(THINGS)} so ${p(ADVERBS)}.`,
  (p) => `${cap(p(PEOPLE))} said that ${p(THINGS)} looked ${p(FEELINGS)} ${p(WHEN_WHERE)}.`,
  (p) => `${cap(p(REASONS))}, ${p(PEOPLE)} ${p(VERBS)} ${p(THINGS)} and then ${p(VERBS)} ${p(THINGS)}.`,
  (p) => `The story of ${p(THINGS)} was ${p(FEELINGS)}, and ${p(PEOPLE)} told it ${p(ADVERBS)}.`,
];

/** One sentence and what goes before it in the text: a space, or a paragraph break. */
export interface Sentence {
  sep: ' ' | '\n\n';
  text: string;
}

/**
 * The endless, deterministic sentence stream of one haystack: (seed, stream) → the same
 * sentences on every machine (mulberry32 over an FNV-1a mix of the label; see src/stats/prng.ts).
 * Paragraphs of 4–8 sentences.
 */
export class SentenceStream {
  private readonly rng: Rng;
  private readonly made: Sentence[] = [];
  private left = 0;

  constructor(seed: number, stream: string) {
    this.rng = rngFor(seed, `${GENERATOR_VERSION}/${stream}`);
  }

  /** The first n sentences (generated on demand, kept for reuse). */
  take(n: number): Sentence[] {
    while (this.made.length < n) this.made.push(this.next());
    return this.made.slice(0, n);
  }

  private next(): Sentence {
    const first = this.made.length === 0;
    let sep: Sentence['sep'] = ' ';
    if (this.left === 0) {
      this.left = 4 + randomIndex(this.rng, 5);
      if (!first) sep = '\n\n';
    }
    this.left--;
    const pick: Pick = (table) => table[randomIndex(this.rng, table.length)]!;
    const template = TEMPLATES[randomIndex(this.rng, TEMPLATES.length)]!;
    return { sep, text: template(pick) };
  }
}

/** The text of a run of sentences (the first one's separator is dropped). */
export function joinSentences(sentences: readonly Sentence[]): string {
  let out = '';
  sentences.forEach((s, i) => (out += (i === 0 ? '' : s.sep) + s.text));
  return out;
}
