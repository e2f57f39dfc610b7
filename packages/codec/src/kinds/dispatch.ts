// One entry point for every standard kind's body (spec/11-kinds.md §1): the kind
// number picks the decoder. Charter bodies have their own path (decodeCharterBody:
// they define the channel id); kinds outside the standard range are opaque.

import { decodeCharterBody } from '../charter.js';
import { HotlineError } from '../errors.js';
import { KIND, KIND_RANGES } from '../registry.generated.js';
import { type AckBody, decodeAckBody, encodeAckBody } from './ack.js';
import { type AssuranceBody, decodeAssuranceBody, encodeAssuranceBody } from './assurance.js';
import { decodeHeartbeatBody, encodeHeartbeatBody, type HeartbeatBody } from './heartbeat.js';
import { decodeIncidentBody, encodeIncidentBody, type IncidentBody } from './incident.js';
import { decodeJoinBody, encodeJoinBody, type JoinBody } from './join.js';
import {
  decodeKeyRevokeBody,
  decodeKeyRotateBody,
  encodeKeyRevokeBody,
  encodeKeyRotateBody,
  type KeyRevokeBody,
  type KeyRotateBody,
} from './keys.js';
import {
  type AcceptBody,
  type DeclineBody,
  decodeAcceptBody,
  decodeDeclineBody,
  decodeProposalBody,
  decodeWithdrawBody,
  encodeAcceptBody,
  encodeDeclineBody,
  encodeProposalBody,
  encodeWithdrawBody,
  type ProposalBody,
  type WithdrawBody,
} from './measures.js';
import {
  decodeNotificationBody,
  encodeNotificationBody,
  type NotificationBody,
} from './notification.js';
import { decodeRedlineBody, encodeRedlineBody, type RedlineBody } from './redline.js';
import {
  decodeResumeBody,
  decodeSuspendBody,
  encodeResumeBody,
  encodeSuspendBody,
  type ResumeBody,
  type SuspendBody,
} from './suspension.js';
import { decodeTextBody, encodeTextBody, type TextBody } from './text.js';

/** A decoded body, tagged with its kind's name. */
export type KindBody =
  | { readonly kind: 'charter'; readonly value: ReturnType<typeof decodeCharterBody> }
  | { readonly kind: 'join'; readonly value: JoinBody }
  | { readonly kind: 'text'; readonly value: TextBody }
  | { readonly kind: 'assurance'; readonly value: AssuranceBody }
  | { readonly kind: 'redline'; readonly value: RedlineBody }
  | { readonly kind: 'notification'; readonly value: NotificationBody }
  | { readonly kind: 'incident'; readonly value: IncidentBody }
  | { readonly kind: 'proposal'; readonly value: ProposalBody }
  | { readonly kind: 'accept'; readonly value: AcceptBody }
  | { readonly kind: 'decline'; readonly value: DeclineBody }
  | { readonly kind: 'withdraw'; readonly value: WithdrawBody }
  | { readonly kind: 'ack'; readonly value: AckBody }
  | { readonly kind: 'heartbeat'; readonly value: HeartbeatBody }
  | { readonly kind: 'key-rotate'; readonly value: KeyRotateBody }
  | { readonly kind: 'key-revoke'; readonly value: KeyRevokeBody }
  | { readonly kind: 'suspend'; readonly value: SuspendBody }
  | { readonly kind: 'resume'; readonly value: ResumeBody }
  /** A kind outside the standard range: its body is not interpreted. */
  | { readonly kind: 'opaque'; readonly value: Uint8Array };

const DECODERS: Readonly<Record<number, (body: Uint8Array) => KindBody>> = {
  [KIND.charter]: (b) => ({ kind: 'charter', value: decodeCharterBody(b) }),
  [KIND.join]: (b) => ({ kind: 'join', value: decodeJoinBody(b) }),
  [KIND.text]: (b) => ({ kind: 'text', value: decodeTextBody(b) }),
  [KIND.assurance]: (b) => ({ kind: 'assurance', value: decodeAssuranceBody(b) }),
  [KIND.redline]: (b) => ({ kind: 'redline', value: decodeRedlineBody(b) }),
  [KIND.notification]: (b) => ({ kind: 'notification', value: decodeNotificationBody(b) }),
  [KIND.incident]: (b) => ({ kind: 'incident', value: decodeIncidentBody(b) }),
  [KIND.proposal]: (b) => ({ kind: 'proposal', value: decodeProposalBody(b) }),
  [KIND.accept]: (b) => ({ kind: 'accept', value: decodeAcceptBody(b) }),
  [KIND.decline]: (b) => ({ kind: 'decline', value: decodeDeclineBody(b) }),
  [KIND.withdraw]: (b) => ({ kind: 'withdraw', value: decodeWithdrawBody(b) }),
  [KIND.ack]: (b) => ({ kind: 'ack', value: decodeAckBody(b) }),
  [KIND.heartbeat]: (b) => ({ kind: 'heartbeat', value: decodeHeartbeatBody(b) }),
  [KIND['key-rotate']]: (b) => ({ kind: 'key-rotate', value: decodeKeyRotateBody(b) }),
  [KIND['key-revoke']]: (b) => ({ kind: 'key-revoke', value: decodeKeyRevokeBody(b) }),
  [KIND.suspend]: (b) => ({ kind: 'suspend', value: decodeSuspendBody(b) }),
  [KIND.resume]: (b) => ({ kind: 'resume', value: decodeResumeBody(b) }),
};

/**
 * Decodes the body of an envelope of `kind` strictly (CBOR_*, BODY_* or CHARTER_*
 * HotlineError). A standard kind without a schema is KIND_UNSUPPORTED; a kind of
 * the experimental or private range is returned opaque.
 */
export function decodeKindBody(kind: number, body: Uint8Array): KindBody {
  const decode = DECODERS[kind];
  if (decode !== undefined) return decode(body);
  const standard = KIND_RANGES.find((range) => range.use === 'standard')!;
  if (kind >= standard.from && kind <= standard.to) {
    throw new HotlineError('KIND_UNSUPPORTED', `kind ${kind} has no body schema in this version`);
  }
  return { kind: 'opaque', value: body };
}

/** A standard kind's body value by the kind's name (the values `decodeKindBody` gives). */
export type KindBodyInput = Exclude<KindBody, { kind: 'charter' } | { kind: 'opaque' }>;

const ENCODERS: { readonly [K in KindBodyInput['kind']]: (value: never) => Uint8Array } = {
  join: encodeJoinBody,
  text: encodeTextBody,
  assurance: encodeAssuranceBody,
  redline: encodeRedlineBody,
  notification: encodeNotificationBody,
  incident: encodeIncidentBody,
  proposal: encodeProposalBody,
  accept: encodeAcceptBody,
  decline: encodeDeclineBody,
  withdraw: encodeWithdrawBody,
  ack: encodeAckBody,
  heartbeat: encodeHeartbeatBody,
  'key-rotate': encodeKeyRotateBody,
  'key-revoke': encodeKeyRevokeBody,
  suspend: encodeSuspendBody,
  resume: encodeResumeBody,
};

/** Encodes a body of a standard kind (charter bodies: encodeCharterBody). */
export function encodeKindBody(input: KindBodyInput): Uint8Array {
  const encode = ENCODERS[input.kind];
  if (encode === undefined) throw new TypeError(`no body encoder for kind ${String(input.kind)}`);
  return encode(input.value as never);
}
