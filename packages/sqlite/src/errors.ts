// Why a store's SQLite file refused to open. Not a protocol rejection (those are
// HotlineError with a registry code): the file on disk is not one this code may use.

export type StoreOpenErrorCode =
  /** The database's user_version is above the schema version this code knows. */
  | 'STORE_SCHEMA_TOO_NEW'
  /** The file is a SQLite database of another application (or another Hotline store's). */
  | 'STORE_FOREIGN_DATABASE'
  /** A durability pragma did not take the value that was set. */
  | 'STORE_PRAGMA_REJECTED';

/** Thrown when a store's file is opened; the connection is closed before it is thrown. */
export class StoreOpenError extends Error {
  readonly code: StoreOpenErrorCode;

  constructor(code: StoreOpenErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
  }
}
