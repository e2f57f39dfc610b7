// A ClientStore in memory: for tests, browsers (snapshot it yourself) and
// short-lived tools. Nothing survives the process.

import { fromHex, toHex } from '@hotline/codec';
import type { ClientStore, ConsistencyRecord, OwnEnvelope } from './types.js';

interface ChannelRecord {
  readonly charter: Uint8Array;
  readonly own: OwnEnvelope[];
  readonly envelopes: Map<string, Uint8Array>;
  readonly relays: Map<string, RelayRecord>;
}

interface RelayRecord {
  readonly receipts: Map<string, Uint8Array>;
  readonly log: Uint8Array[];
  readonly checkpoints: Map<string, Uint8Array>;
  readonly consistency: ConsistencyRecord[];
}

export class MemoryClientStore implements ClientStore {
  readonly #channels = new Map<string, ChannelRecord>();
  /** envelope id hex → relay keys that receipted it */
  readonly #receiptRelays = new Map<string, Map<string, Uint8Array>>();

  #channel(channel: Uint8Array): ChannelRecord {
    const record = this.#channels.get(toHex(channel));
    if (record === undefined) throw new RangeError('unknown channel');
    return record;
  }

  #relay(channel: Uint8Array, relay: Uint8Array): RelayRecord {
    const relays = this.#channel(channel).relays;
    const key = toHex(relay);
    let record = relays.get(key);
    if (record === undefined) {
      record = { receipts: new Map(), log: [], checkpoints: new Map(), consistency: [] };
      relays.set(key, record);
    }
    return record;
  }

  putChannel(channel: Uint8Array, charter: Uint8Array): void {
    const key = toHex(channel);
    if (!this.#channels.has(key)) {
      this.#channels.set(key, {
        charter: charter.slice(),
        own: [],
        envelopes: new Map(),
        relays: new Map(),
      });
    }
  }

  channels(): { channel: Uint8Array; charter: Uint8Array }[] {
    return [...this.#channels].map(([hex, record]) => ({
      channel: fromHex(hex),
      charter: record.charter,
    }));
  }

  ownHead(channel: Uint8Array): OwnEnvelope | undefined {
    return this.#channel(channel).own.at(-1);
  }

  addOwnEnvelope(channel: Uint8Array, envelope: OwnEnvelope): void {
    const own = this.#channel(channel).own;
    if (envelope.seq !== own.length + 1) {
      throw new RangeError(`own seq ${envelope.seq} does not follow ${own.length}`);
    }
    own.push({ seq: envelope.seq, id: envelope.id.slice(), bytes: envelope.bytes.slice() });
  }

  ownEnvelopes(channel: Uint8Array, fromSeq = 1, limit = Number.POSITIVE_INFINITY): OwnEnvelope[] {
    const start = Math.max(0, fromSeq - 1);
    return this.#channel(channel).own.slice(start, start + limit);
  }

  putEnvelope(channel: Uint8Array, id: Uint8Array, bytes: Uint8Array): boolean {
    const envelopes = this.#channel(channel).envelopes;
    const key = toHex(id);
    if (envelopes.has(key)) return false;
    envelopes.set(key, bytes.slice());
    return true;
  }

  envelopes(channel: Uint8Array): Uint8Array[] {
    return [...this.#channel(channel).envelopes.values()];
  }

  putReceipt(channel: Uint8Array, relay: Uint8Array, id: Uint8Array, receipt: Uint8Array): boolean {
    const receipts = this.#relay(channel, relay).receipts;
    const key = toHex(id);
    if (receipts.has(key)) return false;
    receipts.set(key, receipt.slice());
    let relays = this.#receiptRelays.get(key);
    if (relays === undefined) {
      relays = new Map();
      this.#receiptRelays.set(key, relays);
    }
    relays.set(toHex(relay), relay.slice());
    return true;
  }

  receiptRelays(id: Uint8Array): Uint8Array[] {
    return [...(this.#receiptRelays.get(toHex(id))?.values() ?? [])];
  }

  firstUnreceipted(channel: Uint8Array, relay: Uint8Array): number | undefined {
    const receipts = this.#relay(channel, relay).receipts;
    return this.#channel(channel).own.find((own) => !receipts.has(toHex(own.id)))?.seq;
  }

  receipts(channel: Uint8Array, relay: Uint8Array): Uint8Array[] {
    return [...this.#relay(channel, relay).receipts.values()];
  }

  appendLog(channel: Uint8Array, relay: Uint8Array, index: number, id: Uint8Array): void {
    const log = this.#relay(channel, relay).log;
    if (index !== log.length) throw new RangeError(`log index ${index} is not ${log.length}`);
    log.push(id.slice());
  }

  log(channel: Uint8Array, relay: Uint8Array): Uint8Array[] {
    return [...this.#relay(channel, relay).log];
  }

  putCheckpoint(channel: Uint8Array, relay: Uint8Array, checkpoint: Uint8Array): boolean {
    const checkpoints = this.#relay(channel, relay).checkpoints;
    const key = toHex(checkpoint);
    if (checkpoints.has(key)) return false;
    checkpoints.set(key, checkpoint.slice());
    return true;
  }

  checkpoints(channel: Uint8Array, relay: Uint8Array): Uint8Array[] {
    return [...this.#relay(channel, relay).checkpoints.values()];
  }

  putConsistency(channel: Uint8Array, relay: Uint8Array, record: ConsistencyRecord): void {
    this.#relay(channel, relay).consistency.push({
      fromSize: record.fromSize,
      toSize: record.toSize,
      proof: record.proof.map((hash) => hash.slice()),
    });
  }

  consistency(channel: Uint8Array, relay: Uint8Array): ConsistencyRecord[] {
    return [...this.#relay(channel, relay).consistency];
  }

  afterCommit(callback: () => void): void {
    callback();
  }

  close(): void {}
}
