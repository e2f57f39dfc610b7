// Key rotation and revocation (spec/kinds/keys.md). key-rotate (kind 14), sent by
// the current key, names its successor and carries the successor's signature over
// the rotation statement — proof that the holder of the successor key agreed to
// speak for this sender on this channel. key-revoke (kind 15) declares a key void
// from a time, signed by the key itself or by its successor.
//
// The decoders check the bodies only. Verifying the successor's signature over
// rotationStatement(channel, sender, successor), the chain hand-over and who may
// revoke are the signer's and the client's (spec/kinds/keys.md §client).

import type { CborValue } from '../lib/cbor.js';
import { encodeCbor } from '../lib/cbor.js';
import type { ChannelId, PublicKey } from '../payload.js';
import {
  SIGNATURE_SIZE,
  type Signature,
  type SignedBytes,
  sign1Profile,
  sigStructure,
} from '../sign1.js';
import {
  bytesOf,
  decodeBody,
  encodeBody,
  field,
  oneOf,
  type Reader,
  record,
  uint,
} from './common.js';

const KEY_SIZE = 32;

/** Kind 14: the sender's key hands over to `successor`. */
export interface KeyRotateBody {
  /** The successor's Ed25519 public key. */
  readonly successor: PublicKey;
  /** The successor's signature over rotationStatement(channel, sender, successor). */
  readonly proof: Signature;
  /** From when the successor speaks for the sender: ms since the Unix epoch. */
  readonly effectiveFrom: number;
}

/** Why a key is revoked (key-revoke key 2). */
export const REVOKE_REASON = Object.freeze({
  /** Someone else may hold the secret key: what it signed from effectiveFrom is void. */
  compromised: 1,
  /** Taken out of use in an orderly way. */
  retired: 2,
} as const);

export type RevokeReason = keyof typeof REVOKE_REASON;

const REASON_NAME = new Map<number, RevokeReason>(
  Object.entries(REVOKE_REASON).map(([name, value]) => [value, name as RevokeReason]),
);
const reasonValue = oneOf([...REASON_NAME.keys()]);
const revokeReason: Reader<RevokeReason> = (value, path) =>
  REASON_NAME.get(reasonValue(value, path))!;

/** Kind 15: `key` is void from `effectiveFrom`. */
export interface KeyRevokeBody {
  readonly key: PublicKey;
  readonly reason: RevokeReason;
  /** ms since the Unix epoch; may precede the envelope's time (the moment of compromise). */
  readonly effectiveFrom: number;
}

const readRotate = record<KeyRotateBody>({
  successor: field(1, bytesOf(KEY_SIZE) as Reader<PublicKey>),
  proof: field(2, bytesOf(SIGNATURE_SIZE) as Reader<Signature>),
  effectiveFrom: field(3, uint),
});

const readRevoke = record<KeyRevokeBody>({
  key: field(1, bytesOf(KEY_SIZE) as Reader<PublicKey>),
  reason: field(2, revokeReason),
  effectiveFrom: field(3, uint),
});

/** Decodes a key-rotate body (kind 14). Does NOT verify the proof signature. */
export function decodeKeyRotateBody(body: Uint8Array): KeyRotateBody {
  return decodeBody(body, readRotate);
}

/** Decodes a key-revoke body (kind 15). */
export function decodeKeyRevokeBody(body: Uint8Array): KeyRevokeBody {
  return decodeBody(body, readRevoke);
}

/**
 * Encodes a key-rotate body; what the decoder refuses throws its HotlineError.
 * Numbers that are not safe integers throw RangeError, values of no CBOR type TypeError.
 */
export function encodeKeyRotateBody(value: KeyRotateBody): Uint8Array {
  if (typeof value !== 'object' || value === null) throw new TypeError('body must be an object');
  const bytes = encodeBody(
    new Map<number, CborValue>([
      [1, value.successor],
      [2, value.proof],
      [3, value.effectiveFrom],
    ]),
  );
  decodeKeyRotateBody(bytes);
  return bytes;
}

function reasonWire(name: RevokeReason): number {
  const wire = Object.hasOwn(REVOKE_REASON, name) ? REVOKE_REASON[name] : undefined;
  if (wire === undefined) throw new TypeError(`unknown revoke reason ${String(name)}`);
  return wire;
}

/** Encodes a key-revoke body; as encodeKeyRotateBody (an unknown reason name: TypeError). */
export function encodeKeyRevokeBody(value: KeyRevokeBody): Uint8Array {
  if (typeof value !== 'object' || value === null) throw new TypeError('body must be an object');
  const bytes = encodeBody(
    new Map<number, CborValue>([
      [1, value.key],
      [2, reasonWire(value.reason)],
      [3, value.effectiveFrom],
    ]),
  );
  decodeKeyRevokeBody(bytes);
  return bytes;
}

// --------------------------------------------------------- rotation statement

export const ROTATION_TYP = 'application/hotline-rotation+cbor; v=0.1';
/**
 * The rotation statement's COSE profile. Only its Sig_structure is used (a
 * statement is never sent as a COSE_Sign1); the own typ keeps a successor's proof
 * apart from envelope, checkpoint and auth signatures.
 */
export const ROTATION_PROFILE = sign1Profile(ROTATION_TYP, 256);

function requireKey(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (value.length !== KEY_SIZE) throw new RangeError(`${name} must be ${KEY_SIZE} bytes`);
  return value;
}

/** The canonical rotation payload {1: channel, 2: old key, 3: successor}. */
export function encodeRotationPayload(
  channel: Uint8Array,
  oldKey: Uint8Array,
  successor: Uint8Array,
): Uint8Array {
  return encodeCbor(
    new Map<number, CborValue>([
      [1, requireKey(channel, 'channel')],
      [2, requireKey(oldKey, 'oldKey')],
      [3, requireKey(successor, 'successor')],
    ]),
  );
}

/**
 * The bytes the successor key signs to prove possession (spec/kinds/keys.md §3):
 * the Sig_structure of {1: channel, 2: old key, 3: successor} under ROTATION_TYP.
 * Bound to one channel and one hand-over, and never equal to the signed bytes of
 * anything else. Verifying the proof against it is the signer's and client's job.
 * Wrong types throw TypeError, wrong sizes RangeError.
 */
export function rotationStatement(
  channel: ChannelId | Uint8Array,
  oldKey: PublicKey | Uint8Array,
  successor: PublicKey | Uint8Array,
): SignedBytes {
  return sigStructure(ROTATION_PROFILE, encodeRotationPayload(channel, oldKey, successor));
}
