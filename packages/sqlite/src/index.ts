// Durable SQLite files for the Node stores of @hotline/relay and @hotline/client:
// one way to open them (durability settings set and read back, schema migrated,
// coded errors), so that both stores keep the same promises.

export {
  checkCount,
  type DurableOptions,
  type DurableSettings,
  makeDurable,
  readDurableSettings,
} from './durable.js';
export { StoreOpenError, type StoreOpenErrorCode } from './errors.js';
export { type Migration, migrate, type StoreKind } from './migrate.js';
