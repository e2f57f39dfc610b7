export { StoreOpenError, type StoreOpenErrorCode } from '@hotline/sqlite';
export {
  type Entry as LyingRelayEntry,
  LyingRelay,
  type Target as LyingRelayTarget,
} from './lying-relay.js';
export {
  CLIENT_APPLICATION_ID,
  CLIENT_SCHEMA_VERSION,
} from './sqlite-migrations.js';
export {
  openSqliteClientStore,
  SqliteClientStore,
  type SqliteClientStoreOptions,
  type SqliteClientStoreSettings,
} from './sqlite-store.js';
export { wsSocketFactory } from './ws-socket.js';
