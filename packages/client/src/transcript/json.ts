// A JSON view of a transcript for people: bytes in hex, and each envelope's fields
// decoded — sender name from the charter, seq, kind, precedence, time in ISO 8601,
// body as text when it is UTF-8. A view, not a verdict: nothing here is verified
// (verifyTranscript says what is authentic); items that do not decode show their code.

import {
  type Charter,
  checkCharterEnvelope,
  decodeCheckpoint,
  decodeEnvelope,
  decodeKindBody,
  decodeReceipt,
  firstInvalidUtf8,
  isHotlineError,
  KIND,
  toHex,
} from '@hotline/codec';
import { memberLabel } from './_labels.js';
import { TRANSCRIPT_FORMAT, type Transcript } from './format.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const KIND_NAMES = new Map<number, string>(Object.entries(KIND).map(([name, v]) => [v, name]));
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** ISO 8601, or null for a time beyond what Date represents (±8.64e15 ms). */
function iso(ms: number): string | null {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

/** Runs `view`; an item that does not decode becomes its bytes and its error code. */
function attempt(bytes: Uint8Array, view: () => { [key: string]: Json }): { [key: string]: Json } {
  try {
    return view();
  } catch (error) {
    if (!isHotlineError(error)) throw error;
    return { error: error.code, bytes: toHex(bytes) };
  }
}

/** Bytes as hex, everything else as it is: a decoded body as JSON. */
export function jsonSafe(value: unknown): Json {
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value as Json;
}

/** A body as its kind defines it (spec/11-kinds.md); opaque or undecodable: text or hex. */
function body(kind: number, bytes: Uint8Array): { [key: string]: Json } {
  const raw: { [key: string]: Json } =
    firstInvalidUtf8(bytes, 0, bytes.length) < 0
      ? { text: utf8.decode(bytes) }
      : { hex: toHex(bytes) };
  try {
    const content = decodeKindBody(kind, bytes);
    return content.kind === 'opaque' ? raw : { [content.kind]: jsonSafe(content.value) };
  } catch (error) {
    if (!isHotlineError(error)) throw error;
    return { error: error.code, ...raw };
  }
}

function envelopeView(bytes: Uint8Array, charter: Charter | undefined) {
  return attempt(bytes, () => {
    const { id, fields: f } = decodeEnvelope(bytes);
    const view: { [key: string]: Json } = {
      id: toHex(id),
      sender: toHex(f.sender),
      senderName: memberLabel(charter, f.sender),
      seq: f.seq,
      kind: f.kind,
      kindName: KIND_NAMES.get(f.kind) ?? null,
      precedence: f.precedence,
      time: iso(f.time),
      timeMs: f.time,
    };
    if (f.prev !== undefined) view.prev = toHex(f.prev);
    if (f.ref !== undefined) view.ref = toHex(f.ref);
    if (f.expiry !== undefined) view.expiry = iso(f.expiry);
    if (f.recipients !== undefined) view.recipients = f.recipients.map(toHex);
    view.body = f.kind === KIND.charter ? { hex: toHex(f.body) } : body(f.kind, f.body);
    view.bytes = toHex(bytes);
    return view;
  });
}

function checkpointView(bytes: Uint8Array) {
  return attempt(bytes, () => {
    const { fields } = decodeCheckpoint(bytes);
    return {
      size: fields.size,
      root: toHex(fields.root),
      time: iso(fields.time),
      bytes: toHex(bytes),
    };
  });
}

function charterView(t: Transcript): {
  charter: Charter | undefined;
  view: { [key: string]: Json };
} {
  let charter: Charter | undefined;
  const view = attempt(t.charter, () => {
    const envelope = decodeEnvelope(t.charter);
    charter = checkCharterEnvelope(envelope);
    return {
      id: toHex(envelope.id),
      founder: toHex(envelope.fields.sender),
      members: charter.members.map((m) => {
        const member: { [key: string]: Json } = { key: toHex(m.key), name: m.name };
        if (m.encryptionKey !== undefined) member.encryptionKey = toHex(m.encryptionKey);
        return member;
      }),
      relays: charter.relays.map((r) => ({ key: toHex(r.key), url: r.url })),
      params: { heartbeatInterval: charter.params.heartbeatInterval },
      bytes: toHex(t.charter),
    };
  });
  return { charter, view };
}

/**
 * A JSON-ready view of a transcript (spec/09-transcript.md §6). Envelopes keep the
 * file's order. Names come from the charter, when it decodes.
 */
export function transcriptToJson(t: Transcript): { [key: string]: Json } {
  const { charter, view } = charterView(t);
  return {
    format: TRANSCRIPT_FORMAT,
    note: 'a view of the file, not a verification',
    channel: toHex(t.channel),
    exportedAt: iso(t.exportedAt),
    exportedAtMs: t.exportedAt,
    charter: view,
    envelopes: t.envelopes.map((bytes) => envelopeView(bytes, charter)),
    relays: t.relays.map((r) => ({
      relay: toHex(r.relay),
      url: charter?.relays.find((c) => toHex(c.key) === toHex(r.relay))?.url ?? null,
      log: r.log.map(toHex),
      checkpoints: r.checkpoints.map(checkpointView),
      receipts: r.receipts.map((bytes) =>
        attempt(bytes, () => {
          const receipt = decodeReceipt(bytes);
          return {
            index: receipt.index,
            id: toHex(receipt.id),
            checkpoint: checkpointView(receipt.checkpoint),
            proof: receipt.proof.map(toHex),
            bytes: toHex(bytes),
          };
        }),
      ),
      consistency: r.consistency.map((c) => ({
        fromSize: c.fromSize,
        toSize: c.toSize,
        proof: c.proof.map(toHex),
      })),
    })),
  };
}
