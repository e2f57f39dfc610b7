import type { Suite } from './format.js';

/** Every suite, in the order they are generated and checked. */
export const SUITES: readonly Suite[] = [];
