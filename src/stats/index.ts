export * from './binomial.js';
export * from './bootstrap.js';
export * from './power.js';
export * from './prng.js';
export * from './signflip.js';
