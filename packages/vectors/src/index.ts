export {
  checkVectorFiles,
  VECTORS_DIR,
  type VectorFileReport,
} from './check-files.js';
export * from './format.js';
export { SUITES } from './suites.js';
