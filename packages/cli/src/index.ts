export {
  type ConfigInputs,
  type ConfigSource,
  loadRelayConfig,
  type RelayConfig,
} from './config.js';
export { ConfigError, type ConfigErrorCode } from './config-error.js';
export {
  type DataDir,
  loadOrCreateRelayKey,
  prepareDataDir,
  RELAY_KEY_FILE,
  STORE_FILE,
} from './data-dir.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
export { type MainIo, main } from './main.js';
export {
  type ConformanceReport,
  type ConformanceResult,
  ConformanceUnavailableError,
  loadConformanceRunner,
  parseRelayUrl,
} from './run-conformance.js';
export { createLogger, runRelay } from './run-relay.js';
export {
  CONFIG_KEYS,
  envOf,
  flagOf,
  LIMIT_SETTINGS,
  type LimitSetting,
  type OperatorLimits,
} from './settings.js';
