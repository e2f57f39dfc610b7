// Our relay in-process for the runner's tests: open founding mode, a free loopback
// port, the memory store or a SQLite file in a temporary directory.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryRelayStore, openSqliteStore, type Relay, startRelay } from '@hotline/relay';

const RELAY_SECRET = new Uint8Array(32).fill(7);

export async function openRelay(sqlite: boolean): Promise<{ relay: Relay; stop(): Promise<void> }> {
  const dir = sqlite ? mkdtempSync(join(tmpdir(), 'hotline-conformance-')) : undefined;
  const relay = await startRelay({
    secretKey: RELAY_SECRET,
    store: dir === undefined ? new MemoryRelayStore() : openSqliteStore(join(dir, 'relay.sqlite')),
    founders: { mode: 'open' },
    port: 0,
  });
  return {
    relay,
    async stop() {
      await relay.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
