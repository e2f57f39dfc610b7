// Shared set-up for relay tests: fixed keys, a charter, envelope chains, a relay on a
// free loopback port over a given store.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelIdOf, encodeCharterBody, KIND } from '@hotline/codec';
import { openEnvelope, publicKeyOf, signEnvelope } from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import { type RelayLimits, type RelayTimers, startRelay } from '../src/index.js';
import type { Relay } from '../src/relay.js';
import { MemoryRelayStore } from '../src/store/memory.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { RelayStore } from '../src/store/types.js';

export const secretOf = (name: string): Uint8Array =>
  sha256(new TextEncoder().encode(`hotline relay test key ${name}`));

export const RELAY_SECRET = secretOf('relay');
export const ALICE = secretOf('alice');
export const BOB = secretOf('bob');
export const MALLORY = secretOf('mallory');

export function charterBody(members = [ALICE, BOB], relays = [RELAY_SECRET]): Uint8Array {
  return encodeCharterBody({
    members: members.map((secret, i) => ({ key: publicKeyOf(secret), name: `member ${i}` })),
    relays: relays.map((secret) => ({ key: publicKeyOf(secret), url: 'ws://127.0.0.1:7400' })),
    params: { heartbeatInterval: 60_000 },
  });
}

/** A sender's chain on one channel: envelope n has seq n + 1 (n = 0 is the charter if given). */
export class Chain {
  readonly envelopes: Uint8Array[] = [];
  #prev: Uint8Array | undefined;

  constructor(
    readonly secret: Uint8Array,
    readonly channel: Uint8Array,
  ) {}

  next(
    body: Uint8Array = new Uint8Array([0x60]),
    kind: number = KIND.text,
    time = 1_764_000_000_000,
  ): Uint8Array {
    const seq = this.envelopes.length + 1;
    const bytes = signEnvelope(
      {
        channel: this.channel,
        sender: publicKeyOf(this.secret),
        seq,
        prev: this.#prev,
        time: time + seq,
        kind,
        body,
      },
      this.secret,
    );
    this.#prev = openEnvelope(bytes).id;
    this.envelopes.push(bytes);
    return bytes;
  }
}

/** The founder's chain starting with the charter envelope (seq 1). */
export function foundedChain(
  founder = ALICE,
  body = charterBody(),
): { chain: Chain; channel: Uint8Array } {
  const channel = channelIdOf(body);
  const chain = new Chain(founder, channel);
  chain.next(body, KIND.charter);
  return { chain, channel };
}

export interface TestRelay {
  relay: Relay;
  store: RelayStore;
  dir: string | undefined;
  stop(): Promise<void>;
}

export async function startTestRelay(
  options: {
    sqlite?: boolean;
    dir?: string;
    limits?: Partial<RelayLimits>;
    /** Default 0: inline verification; a worker pool adds nothing to these tests. */
    verifyWorkers?: number;
    /** A store of the test's own (instead of memory or SQLite). */
    store?: RelayStore;
    timers?: RelayTimers;
  } = {},
): Promise<TestRelay> {
  const dir = options.sqlite
    ? (options.dir ?? mkdtempSync(join(tmpdir(), 'hotline-relay-')))
    : undefined;
  const store =
    options.store ??
    (dir === undefined ? new MemoryRelayStore() : openSqliteStore(join(dir, 'relay.sqlite')));
  const relay = await startRelay({
    secretKey: RELAY_SECRET,
    store,
    founders: { mode: 'open' },
    port: 0,
    verifyWorkers: options.verifyWorkers ?? 0,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  return {
    relay,
    store,
    dir,
    async stop() {
      await relay.close();
      if (dir !== undefined && options.dir === undefined)
        rmSync(dir, { recursive: true, force: true });
    },
  };
}
