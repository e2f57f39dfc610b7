// What `hotline inspect` shows: plain, JSON-ready views of an envelope, a relay
// frame, a checkpoint, a receipt or a charter body, built by the codec's strict
// decoders. Pure functions of the bytes. Signatures are checked only on request
// (`verify`): a view without `verification` says nothing about who signed it.

import {
  type Charter,
  checkCharterEnvelope,
  type DecodedCheckpoint,
  type DecodedEnvelope,
  decodeCharterBody,
  decodeCheckpoint,
  decodeEnvelope,
  decodeFrame,
  decodeReceipt,
  decodeScanned,
  FRAME_LAYOUTS,
  type FrameSender,
  HotlineError,
  KIND,
  KIND_RANGES,
  scanProfile,
  toHex,
} from '@hotline/codec';
import { openCheckpoint, openEnvelope, verifyReceipt } from '@hotline/signer';

/** What the bytes are decoded as (`--as`). */
export type InspectAs =
  | 'envelope'
  | 'frame-client'
  | 'frame-relay'
  | 'checkpoint'
  | 'receipt'
  | 'charter';

export const INSPECT_AS: readonly InspectAs[] = [
  'envelope',
  'frame-client',
  'frame-relay',
  'checkpoint',
  'receipt',
  'charter',
];

/**
 * The order of auto-detection: the first that decodes strictly wins. A charter body
 * is left out: it is what an envelope carries, and only `--as charter` reads one.
 */
export const DETECT_ORDER: readonly InspectAs[] = [
  'envelope',
  'checkpoint',
  'receipt',
  'frame-relay',
  'frame-client',
];

export interface ErrorView {
  /** The registry code of a HotlineError; null for any other error. */
  readonly code: string | null;
  readonly message: string;
  readonly field?: string;
  readonly offset?: number;
}

/** Bytes that did not decode as `as`. */
export interface FailedView {
  readonly type: 'undecodable';
  readonly as: InspectAs;
  readonly error: ErrorView;
}

export interface TimeView {
  /** Milliseconds since the Unix epoch, as on the wire. */
  readonly ms: number;
  /** ISO 8601 in UTC; null beyond the range of a JavaScript Date (±8.64e15 ms). */
  readonly iso: string | null;
}

export interface KindView {
  readonly number: number;
  /** The registry name; null for a kind the registry does not name. */
  readonly name: string | null;
  /** The registry range the number falls in: standard, experimental, private, reserved. */
  readonly range: string;
}

export interface BodyView {
  readonly size: number;
  readonly hex: string;
  /** The body as text, when it is valid UTF-8 without control characters. */
  readonly text?: string;
  /** The body in CBOR diagnostic notation (RFC 8949 §8), when it is one item of the profile. */
  readonly cbor?: string;
}

export type Verification =
  | { readonly verified: true }
  | { readonly verified: false; readonly error: ErrorView };

export interface CharterView {
  readonly type: 'charter';
  /** SHA-256 of the charter body: the channel id it defines. */
  readonly channel: string;
  readonly members: readonly { key: string; name: string; encryptionKey?: string }[];
  readonly relays: readonly { key: string; url: string }[];
  readonly params: { readonly heartbeatInterval: number };
  /** Set when the body is a valid charter but the envelope does not found its channel. */
  readonly error?: ErrorView;
}

export interface EnvelopeView {
  readonly type: 'envelope';
  /** Bytes of the whole envelope. */
  readonly size: number;
  readonly id: string;
  readonly version: number;
  readonly channel: string;
  readonly sender: string;
  readonly seq: number;
  readonly prev?: string;
  readonly time: TimeView;
  readonly kind: KindView;
  readonly precedence: string;
  readonly ref?: string;
  readonly expiry?: TimeView;
  readonly recipients?: readonly string[];
  readonly body: BodyView;
  readonly signature: string;
  /** The decoded charter, for kind charter. */
  readonly charter?: CharterView | FailedView;
  readonly verification?: Verification;
}

export interface CheckpointView {
  readonly type: 'checkpoint';
  readonly size: number;
  readonly relay: string;
  readonly channel: string;
  /** Leaves in the channel's log. */
  readonly treeSize: number;
  readonly root: string;
  readonly time: TimeView;
  readonly signature: string;
  readonly verification?: Verification;
}

export interface ReceiptView {
  readonly type: 'receipt';
  readonly size: number;
  readonly index: number;
  readonly id: string;
  readonly proof: readonly string[];
  readonly checkpoint: CheckpointView | FailedView;
  readonly verification?: Verification;
}

export type FrameFieldView =
  | number
  | string
  | readonly string[]
  | TimeView
  | Readonly<Record<string, number | string>>
  /** An envelope, receipt or checkpoint carried by the frame. */
  | View
  | FailedView;

export interface FrameView {
  readonly type: 'frame';
  /** The frame type's registry name. */
  readonly frame: string;
  readonly value: number;
  /** The side that sends this frame type. */
  readonly from: FrameSender;
  readonly requestId: number;
  /** The fields after type and request id, in wire order. */
  readonly fields: Readonly<Record<string, FrameFieldView>>;
}

export type View = EnvelopeView | CheckpointView | ReceiptView | FrameView | CharterView;

export interface Inspection {
  /** What the bytes decoded as; undefined when they decode as nothing tried. */
  readonly as: InspectAs | undefined;
  readonly view: View | undefined;
  /** Every decoder tried that failed, in order. */
  readonly attempts: readonly FailedView[];
  /**
   * Defects inside a decoded view: nested bytes that do not decode, a charter that
   * does not found its channel, a failed verification.
   */
  readonly problems: number;
}

export interface InspectOptions {
  /** Decode as this only; default: auto-detect in DETECT_ORDER. */
  readonly as?: InspectAs;
  /** Verify signatures (and a receipt's inclusion proof). */
  readonly verify?: boolean;
}

interface Context {
  readonly verify: boolean;
  problems: number;
}

export function errorView(error: unknown): ErrorView {
  if (error instanceof HotlineError) {
    const prefix = `${error.code}: `;
    const message = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    return {
      code: error.code,
      message,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.offset === undefined ? {} : { offset: error.offset }),
    };
  }
  if (error instanceof Error) return { code: null, message: `${error.name}: ${error.message}` };
  return { code: null, message: String(error) };
}

export function timeView(ms: number): TimeView {
  const date = new Date(ms);
  return { ms, iso: Number.isNaN(date.getTime()) ? null : date.toISOString() };
}

const KIND_NAMES = new Map<number, string>(Object.entries(KIND).map(([name, n]) => [n, name]));

export function kindView(kind: number): KindView {
  const range = KIND_RANGES.find((r) => kind >= r.from && kind <= r.to)?.use ?? 'out of range';
  return { number: kind, name: KIND_NAMES.get(kind) ?? null, range };
}

const TEXT = new TextDecoder('utf-8', { fatal: true });
/** A C0 control but tab, line feed and carriage return; DEL; a C1 control. */
function isControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f)
  );
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** RFC 8949 §8 diagnostic notation of a value the profile admits (no tags, floats or simple values). */
export function diagnostic(value: unknown): string {
  if (value instanceof Uint8Array) return `h'${toHex(value)}'`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(diagnostic).join(', ')}]`;
  if (value instanceof Map) {
    const entries = [...value].map(([key, item]) => `${diagnostic(key)}: ${diagnostic(item)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

function asText(body: Uint8Array): string | undefined {
  try {
    const text = TEXT.decode(body);
    return hasControl(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

function asCbor(body: Uint8Array): string | undefined {
  if (body.length === 0) return undefined;
  try {
    scanProfile(body);
  } catch {
    return undefined;
  }
  return diagnostic(decodeScanned(body));
}

export function bodyView(body: Uint8Array): BodyView {
  const text = asText(body);
  const cbor = asCbor(body);
  return {
    size: body.length,
    hex: toHex(body),
    ...(text === undefined ? {} : { text }),
    ...(cbor === undefined ? {} : { cbor }),
  };
}

function verification(ctx: Context, check: () => unknown): Verification | undefined {
  if (!ctx.verify) return undefined;
  try {
    check();
    return { verified: true };
  } catch (error) {
    ctx.problems++;
    return { verified: false, error: errorView(error) };
  }
}

function charterFields(charter: Charter): Omit<CharterView, 'error'> {
  return {
    type: 'charter',
    channel: toHex(charter.channel),
    members: charter.members.map((member) => ({
      key: toHex(member.key),
      name: member.name,
      ...(member.encryptionKey === undefined ? {} : { encryptionKey: toHex(member.encryptionKey) }),
    })),
    relays: charter.relays.map((relay) => ({ key: toHex(relay.key), url: relay.url })),
    params: { heartbeatInterval: charter.params.heartbeatInterval },
  };
}

/** The charter of a charter envelope, with the reason it does not found a channel. */
function envelopeCharter(decoded: DecodedEnvelope, ctx: Context): CharterView | FailedView {
  try {
    return charterFields(checkCharterEnvelope(decoded));
  } catch (error) {
    ctx.problems++;
    try {
      // The body may be a valid charter on an envelope that founds nothing (seq 2,
      // another channel id, an author outside it): show both.
      return { ...charterFields(decodeCharterBody(decoded.fields.body)), error: errorView(error) };
    } catch {
      return { type: 'undecodable', as: 'charter', error: errorView(error) };
    }
  }
}

function envelopeView(bytes: Uint8Array, ctx: Context): EnvelopeView {
  const decoded = decodeEnvelope(bytes);
  const f = decoded.fields;
  const charter = f.kind === KIND.charter ? envelopeCharter(decoded, ctx) : undefined;
  const verified = verification(ctx, () => openEnvelope(bytes));
  return {
    type: 'envelope',
    size: bytes.length,
    id: toHex(decoded.id),
    version: f.version,
    channel: toHex(f.channel),
    sender: toHex(f.sender),
    seq: f.seq,
    ...(f.prev === undefined ? {} : { prev: toHex(f.prev) }),
    time: timeView(f.time),
    kind: kindView(f.kind),
    precedence: f.precedence,
    ...(f.ref === undefined ? {} : { ref: toHex(f.ref) }),
    ...(f.expiry === undefined ? {} : { expiry: timeView(f.expiry) }),
    ...(f.recipients === undefined ? {} : { recipients: f.recipients.map((key) => toHex(key)) }),
    body: bodyView(f.body),
    signature: toHex(decoded.signature),
    ...(charter === undefined ? {} : { charter }),
    ...(verified === undefined ? {} : { verification: verified }),
  };
}

function checkpointFields(checkpoint: DecodedCheckpoint): Omit<CheckpointView, 'verification'> {
  const f = checkpoint.fields;
  return {
    type: 'checkpoint',
    size: checkpoint.bytes.length,
    relay: toHex(f.relay),
    channel: toHex(f.channel),
    treeSize: f.size,
    root: toHex(f.root),
    time: timeView(f.time),
    signature: toHex(checkpoint.signature),
  };
}

function checkpointView(bytes: Uint8Array, ctx: Context): CheckpointView {
  const view = checkpointFields(decodeCheckpoint(bytes));
  const verified = verification(ctx, () => openCheckpoint(bytes));
  return verified === undefined ? view : { ...view, verification: verified };
}

function receiptView(bytes: Uint8Array, ctx: Context): ReceiptView {
  const receipt = decodeReceipt(bytes);
  const checkpoint = nested('checkpoint', receipt.checkpoint, ctx) as CheckpointView | FailedView;
  const verified = verification(ctx, () => verifyReceipt(bytes));
  return {
    type: 'receipt',
    size: bytes.length,
    index: receipt.index,
    id: toHex(receipt.id),
    proof: receipt.proof.map((hash) => toHex(hash)),
    checkpoint,
    ...(verified === undefined ? {} : { verification: verified }),
  };
}

/** Frame fields holding bytes of their own format, decoded as that format. */
const NESTED_FIELDS: Readonly<Record<string, InspectAs>> = {
  envelope: 'envelope',
  receipt: 'receipt',
  checkpoint: 'checkpoint',
};

function frameView(bytes: Uint8Array, from: FrameSender, ctx: Context): FrameView {
  const frame = decodeFrame(bytes, { from }) as unknown as Record<string, unknown>;
  const layout = FRAME_LAYOUTS[frame.type as keyof typeof FRAME_LAYOUTS];
  const fields: Record<string, FrameFieldView> = {};
  for (const [name, kind] of layout.fields) {
    const value = frame[name];
    switch (kind) {
      case 'uint':
        fields[name] = name === 'time' ? timeView(value as number) : (value as number);
        break;
      case 'key':
      case 'signature':
        fields[name] = toHex(value as Uint8Array);
        break;
      case 'bytes': {
        const as = NESTED_FIELDS[name];
        fields[name] =
          as === undefined ? toHex(value as Uint8Array) : nested(as, value as Uint8Array, ctx);
        break;
      }
      case 'hashes':
        fields[name] = (value as Uint8Array[]).map((hash) => toHex(hash));
        break;
      case 'code':
        fields[name] = value as string;
        break;
      case 'detail':
        fields[name] = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([key, item]) => [
            key,
            item instanceof Uint8Array ? toHex(item) : (item as number | string),
          ]),
        );
        break;
    }
  }
  return {
    type: 'frame',
    frame: layout.type,
    value: layout.value,
    from: layout.from,
    requestId: frame.requestId as number,
    fields,
  };
}

/** Decodes `bytes` as `as`; throws what the decoder throws. */
function decodeAs(as: InspectAs, bytes: Uint8Array, ctx: Context): View {
  switch (as) {
    case 'envelope':
      return envelopeView(bytes, ctx);
    case 'checkpoint':
      return checkpointView(bytes, ctx);
    case 'receipt':
      return receiptView(bytes, ctx);
    case 'frame-client':
      return frameView(bytes, 'client', ctx);
    case 'frame-relay':
      return frameView(bytes, 'relay', ctx);
    case 'charter':
      return charterFields(decodeCharterBody(bytes));
  }
}

/** Bytes inside other bytes: a failure to decode is a problem of the outer view. */
function nested(as: InspectAs, bytes: Uint8Array, ctx: Context): View | FailedView {
  try {
    return decodeAs(as, bytes, ctx);
  } catch (error) {
    ctx.problems++;
    return { type: 'undecodable', as, error: errorView(error) };
  }
}

/**
 * Decodes `bytes` as `options.as`, or as the first of DETECT_ORDER that decodes
 * strictly, and returns its view with every failed attempt.
 */
export function inspectBytes(bytes: Uint8Array, options: InspectOptions = {}): Inspection {
  const order = options.as === undefined ? DETECT_ORDER : [options.as];
  const attempts: FailedView[] = [];
  for (const as of order) {
    const ctx: Context = { verify: options.verify === true, problems: 0 };
    try {
      const view = decodeAs(as, bytes, ctx);
      return { as, view, attempts, problems: ctx.problems };
    } catch (error) {
      attempts.push({ type: 'undecodable', as, error: errorView(error) });
    }
  }
  return { as: undefined, view: undefined, attempts, problems: 0 };
}
