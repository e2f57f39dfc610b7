// Staged acknowledgement (spec/kinds/ack.md): kind 12 acknowledges the envelope its
// `ref` names, one stage at a time — received, understood (quoting the SHA-256 of
// the body it understood, optionally with a read-back), then accepted or rejected
// (with a reason). Each optional field belongs to one stage; a field of another
// stage is BODY_INVALID, so one ack can never say two things.

import type { CborValue } from '../lib/cbor.js';
import type { IntMapField } from '../lib/intmap.js';
import {
  bytesOf,
  decodeBody,
  encodeBody,
  encodeTextBlock,
  field,
  invalid,
  malformed,
  oneOf,
  type Reader,
  record,
  type TextBlock,
  textBlock,
} from './common.js';

/** The stages of an ack (key 1). */
export const ACK_STAGE = Object.freeze({
  /** The envelope arrived and verified; nothing is said about its content. */
  received: 1,
  /** The content was read; the digest quotes exactly the body that was read. */
  understood: 2,
  /** The sender of the ack agrees to what the envelope asks or states. */
  accepted: 3,
  /** The sender of the ack refuses it, optionally with a reason. */
  rejected: 4,
} as const);

export type AckStage = keyof typeof ACK_STAGE;

const STAGE_NAME = new Map<number, AckStage>(
  Object.entries(ACK_STAGE).map(([name, value]) => [value, name as AckStage]),
);

/** SHA-256 of the acknowledged envelope's body. */
export type BodyDigest = Uint8Array;

export interface AckBody {
  readonly stage: AckStage;
  /** Understood only, and required there: SHA-256 of the acknowledged envelope's body. */
  readonly digest?: BodyDigest;
  /** Understood only: the content restated in the acknowledging side's words. */
  readonly readBack?: TextBlock;
  /** Rejected only: why. */
  readonly reason?: TextBlock;
}

const DIGEST_SIZE = 32;
const stageValue = oneOf([...STAGE_NAME.keys()]);
const readStage: Reader<AckStage> = (value, path) => STAGE_NAME.get(stageValue(value, path))!;

/** A field present in an ack of a stage it does not belong to. */
function foreignTo(stage: AckStage): Reader<never> {
  return (_value, path) => invalid(path, `does not belong to an ack of stage ${stage}`);
}

/** The record table of each stage: read in key order, so the first defect is reported. */
function stageReader(stage: AckStage): Reader<AckBody> {
  const own = (key: number, read: Reader<unknown>, belongs: boolean, required = false) =>
    belongs ? field(key, read, !required) : field(key, foreignTo(stage), true);
  const understood = stage === 'understood';
  const fields: Record<string, IntMapField> = {
    stage: field(1, readStage),
    digest: own(2, bytesOf(DIGEST_SIZE), understood, true),
    readBack: own(3, textBlock, understood),
    reason: own(4, textBlock, stage === 'rejected'),
  };
  return record<AckBody>(fields);
}

const STAGE_READERS = new Map<AckStage, Reader<AckBody>>(
  [...STAGE_NAME.values()].map((stage) => [stage, stageReader(stage)]),
);

/** The stage first (key 1), then the body as that stage's table says. */
const readAck: Reader<AckBody> = (value, path) => {
  if (!(value instanceof Map)) malformed(path, 'must be a map');
  const map = value as Map<number, unknown>;
  if (!map.has(1)) malformed('stage', 'missing');
  const stage = readStage(map.get(1), 'stage');
  return STAGE_READERS.get(stage)!(value, path);
};

/** Decodes an ack body (kind 12); BODY_* or CBOR_* HotlineError on any defect. */
export function decodeAckBody(body: Uint8Array): AckBody {
  return decodeBody(body, readAck);
}

/**
 * Encodes an ack body. A field of another stage, a missing digest for understood, a
 * digest of the wrong size … throw the HotlineError the decoder gives; numbers that
 * are not safe integers throw RangeError, values of no CBOR type TypeError.
 */
export function encodeAckBody(value: AckBody): Uint8Array {
  if (typeof value !== 'object' || value === null) throw new TypeError('ack must be an object');
  const stage = Object.hasOwn(ACK_STAGE, value.stage) ? ACK_STAGE[value.stage] : undefined;
  if (stage === undefined) throw new TypeError(`unknown ack stage ${String(value.stage)}`);
  const map = new Map<number, CborValue>([[1, stage]]);
  if (value.digest !== undefined) map.set(2, value.digest);
  if (value.readBack !== undefined) map.set(3, encodeTextBlock(value.readBack));
  if (value.reason !== undefined) map.set(4, encodeTextBlock(value.reason));
  const bytes = encodeBody(map);
  decodeAckBody(bytes);
  return bytes;
}
