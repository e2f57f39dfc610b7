// A store's schema as an ordered list of migrations. The database's
// `PRAGMA user_version` is the number of migrations applied and its
// `application_id` says whose file it is; opening applies the missing steps, each in
// its own transaction, and refuses a database that is newer than the code or
// another application's. A migration, once released, is never edited: a change is
// a new step at the end of the list.

import type Database from 'better-sqlite3';
import { StoreOpenError } from './errors.js';

/** One step of a schema: SQL run in one transaction, then user_version = its position. */
export interface Migration {
  /** What the step does, for logs and errors. */
  readonly name: string;
  readonly sql: string;
}

/** Whose file it is. */
export interface StoreKind {
  /** The `application_id` header field the first migration sets. */
  readonly applicationId: number;
  /** For messages: "relay store", "client store". */
  readonly name: string;
}

/**
 * Brings the database to the last version of `migrations`: each missing step runs
 * in its own IMMEDIATE transaction together with its user_version bump, so a failed
 * step leaves the database at the previous version, and another process opening the
 * same file at the same time waits (busy timeout) and then skips what is done.
 * Throws StoreOpenError (STORE_FOREIGN_DATABASE, STORE_SCHEMA_TOO_NEW) without
 * changing anything when the file is not one this code may write. Returns the
 * version reached.
 */
export function migrate(
  db: Database.Database,
  kind: StoreKind,
  migrations: readonly Migration[],
): number {
  const known = migrations.length;
  const check = (): number => {
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== kind.applicationId && (appId !== 0 || version !== 0)) {
      throw new StoreOpenError(
        'STORE_FOREIGN_DATABASE',
        `the file is not a Hotline ${kind.name} (application_id ${appId}, user_version ${version})`,
      );
    }
    if (version > known) {
      throw new StoreOpenError(
        'STORE_SCHEMA_TOO_NEW',
        `the ${kind.name}'s schema version ${version} is newer than this code knows (${known}); ` +
          'run a newer version or restore a backup',
      );
    }
    return version;
  };
  let version = check();
  while (version < known) {
    const step = migrations[version]!;
    db.transaction(() => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      if (check() !== version) return;
      db.exec(step.sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
    version = check();
  }
  return version;
}
