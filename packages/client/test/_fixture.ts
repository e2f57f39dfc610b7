// Shared set-up for client tests: fixed keys, real relays on free loopback ports,
// clients over the `ws` socket factory.

import { decodeTextBody, encodeTextBody } from '@hotline/codec';
import { MemoryRelayStore, type Relay, type RelayStore, startRelay } from '@hotline/relay';
import { publicKeyOf } from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import { type ClientOptions, HotlineClient } from '../src/index.js';
import { wsSocketFactory } from '../src/node/ws-socket.js';

export const secretOf = (name: string): Uint8Array =>
  sha256(new TextEncoder().encode(`hotline client test key ${name}`));

export const ALICE = secretOf('alice');
export const BOB = secretOf('bob');
export const CAROL = secretOf('carol');
export const RELAY_1 = secretOf('relay 1');
export const RELAY_2 = secretOf('relay 2');
export const MALLORY_RELAY = secretOf('mallory relay');

/** A text body (spec/kinds/text.md) in English. */
export const text = (value: string) =>
  encodeTextBody({ authoritative: { language: 'en', text: value } });
/** The authoritative text of a text body. */
export const untext = (bytes: Uint8Array) => decodeTextBody(bytes).authoritative.text;

export interface TestRelay {
  relay: Relay;
  store: RelayStore;
  url: string;
  secret: Uint8Array;
}

/** A relay on a free loopback port (or `port`), founders open. */
export async function startTestRelay(
  secret: Uint8Array,
  options: { store?: RelayStore; port?: number } = {},
): Promise<TestRelay> {
  const store = options.store ?? new MemoryRelayStore();
  const relay = await startRelay({
    secretKey: secret,
    store,
    founders: { mode: 'open' },
    port: options.port ?? 0,
    verifyWorkers: 0,
  });
  return { relay, store, url: relay.url, secret };
}

/** A charter of `members` over `relays`. */
export function charterOf(members: Uint8Array[], relays: TestRelay[]) {
  return {
    members: members.map((secret, i) => ({ key: publicKeyOf(secret), name: `member ${i}` })),
    relays: relays.map((relay) => ({ key: publicKeyOf(relay.secret), url: relay.url })),
    params: { heartbeatInterval: 60_000 },
  };
}

/** A client over real sockets; reconnects quickly so tests need not wait. */
export function clientOf(secretKey: Uint8Array, options: Partial<ClientOptions> = {}) {
  return new HotlineClient({
    secretKey,
    socketFactory: wsSocketFactory,
    backoff: { initialMs: 20, maxMs: 200 },
    ...options,
  });
}
