// A channel's transcript from what the store holds (spec/09-transcript.md): the
// charter, every envelope, and per relay of the charter the log it delivered, its
// checkpoints, receipts and consistency proofs. Nothing is re-signed: every item
// keeps the signature it came with, so the file proves itself.

import { checkCharterEnvelope, compareBytes, toHex } from '@hotline/codec';
import { openEnvelope } from '@hotline/signer';
import type { ClientStore } from './store/types.js';
import type { Transcript } from './transcript/format.js';

export function transcriptOf(
  store: ClientStore,
  channel: Uint8Array,
  exportedAt: number,
): Transcript {
  const channelHex = toHex(channel);
  const record = store.channels().find((entry) => toHex(entry.channel) === channelHex);
  if (record === undefined) throw new RangeError('channel not in this store');
  const charter = checkCharterEnvelope(openEnvelope(record.charter));
  const relays = [...charter.relays]
    .sort((a, b) => compareBytes(a.key, b.key))
    .map((relay) => ({
      relay: relay.key,
      log: store.log(channel, relay.key),
      checkpoints: store.checkpoints(channel, relay.key),
      receipts: store.receipts(channel, relay.key),
      consistency: store.consistency(channel, relay.key),
    }));
  // The charter is always in the store's envelopes (recorded on join); order is
  // free in the format, so the order of acceptance is kept.
  const envelopes = store.envelopes(channel);
  return { channel, charter: record.charter, envelopes, relays, exportedAt };
}
