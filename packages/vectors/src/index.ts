export * from './format.js';
export { SUITES } from './suites.js';
