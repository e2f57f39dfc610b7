export {
  type ConformanceOptions,
  type ConformanceReport,
  DEFAULT_TIMEOUT_MS,
  formatResult,
  formatSummary,
  runConformance,
  type ScenarioResult,
} from './run.js';
