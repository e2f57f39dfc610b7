// How a party's commands show envelopes, receipts and alarms to people, and the
// same facts as JSON for scripts.

import type { Alarm } from '@hotline/client';
import { type Charter, type DecodedEnvelope, firstInvalidUtf8, KIND, toHex } from '@hotline/codec';

const KIND_NAMES = new Map<number, string>(
  Object.entries(KIND).map(([name, value]) => [value, name]),
);

export function kindName(kind: number): string {
  return KIND_NAMES.get(kind) ?? `kind ${kind}`;
}

export function memberName(charter: Charter, key: Uint8Array): string {
  const hex = toHex(key);
  return charter.members.find((member) => toHex(member.key) === hex)?.name ?? `${hex.slice(0, 8)}…`;
}

/** The body as text when it is valid UTF-8 without control characters, else undefined. */
export function bodyText(body: Uint8Array): string | undefined {
  if (firstInvalidUtf8(body, 0, body.length) !== -1) return undefined;
  const text = new TextDecoder().decode(body);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text) ? undefined : text;
}

export function envelopeJson(charter: Charter, envelope: DecodedEnvelope) {
  const { fields } = envelope;
  const text = bodyText(fields.body);
  return {
    id: toHex(envelope.id),
    sender: toHex(fields.sender),
    senderName: memberName(charter, fields.sender),
    seq: fields.seq,
    time: new Date(fields.time).toISOString(),
    kind: kindName(fields.kind),
    precedence: fields.precedence,
    ...(text === undefined ? { bodyHex: toHex(fields.body) } : { text }),
  };
}

export function envelopeLine(charter: Charter, envelope: DecodedEnvelope): string {
  const view = envelopeJson(charter, envelope);
  const precedence = view.precedence === 'routine' ? '' : ` [${view.precedence.toUpperCase()}]`;
  const body = 'text' in view ? view.text : `(${envelope.fields.body.length} bytes, not text)`;
  return `${view.time}  ${view.senderName} #${view.seq}  ${view.kind}${precedence}: ${body}`;
}

export function alarmJson(alarm: Alarm) {
  return {
    alarm: alarm.type,
    channel: toHex(alarm.channel),
    ...(alarm.relay ? { relay: alarm.relay } : {}),
    ...(alarm.sender ? { sender: alarm.sender } : {}),
    ...(alarm.code ? { code: alarm.code } : {}),
    detail: alarm.detail,
    signedEvidence: alarm.signed,
  };
}

export function alarmLine(alarm: Alarm): string {
  const who = alarm.relay
    ? ` relay ${alarm.relay.slice(0, 8)}…`
    : alarm.sender
      ? ` sender ${alarm.sender.slice(0, 8)}…`
      : '';
  return `ALARM ${alarm.type}${who}${alarm.code ? ` (${alarm.code})` : ''}: ${alarm.detail}`;
}
