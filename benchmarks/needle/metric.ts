// Scoring one cell. The rule, exactly: the answer scores 1 when it contains the needle's
// seven digits as one whole number — not as part of a longer run of digits — after digit
// group separators between two digits ("," "_" "." "'" and thin or no-break spaces, as in
// "4,829,301" or "4 829 301") are removed; otherwise 0. Words around the number, the city
// or a full sentence do not matter; a different number, or the right digits inside a longer
// number, score 0.

export const METRIC_VERSION = 'needle-contains-1';

const SEPARATORS = /(?<=\d)[,_.'\u2009\u202f\u00a0](?=\d)/g;

export function needleScore(output: string, value: string): 0 | 1 {
  const joined = output.replace(SEPARATORS, '');
  return new RegExp(`(?<!\\d)${value}(?!\\d)`).test(joined) ? 1 : 0;
}
