// How a party's commands show envelopes, receipts and alarms to people, and the
// same facts as JSON for scripts.

import { type Alarm, type Content, jsonSafe } from '@hotline/client';
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

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');
const quote = (block: { text: string; language: string }) => `"${block.text}" [${block.language}]`;
const short = (bytes: Uint8Array) => `${toHex(bytes).slice(0, 8)}…`;

/** One line saying what a body says, in human form. */
export function contentSummary(content: Content | undefined, body: Uint8Array): string {
  if (content === undefined) {
    const text = bodyText(body);
    return text ?? `(${body.length} bytes)`;
  }
  if (!content.ok) return `INVALID (${content.code}${content.field ? ` at ${content.field}` : ''})`;
  const { body: b } = content;
  switch (b.kind) {
    case 'text':
      return `${quote(b.value.authoritative)}${b.value.translations ? ` (+${b.value.translations.length} translation(s), not authoritative)` : ''}`;
    case 'assurance':
      return `ASSURANCE (${b.value.scope}): ${quote(b.value.undertaking)} from ${iso(b.value.validity.from)}${b.value.validity.until ? ` until ${iso(b.value.validity.until)}` : ''}`;
    case 'redline':
      return `REDLINE (${b.value.scope}): ${quote(b.value.line)}; consequence ${b.value.disclosure}`;
    case 'notification':
      return `NOTIFICATION ${b.value.activity} ${iso(b.value.window.from)} – ${iso(b.value.window.until)}, ${b.value.originAreas.length} origin area(s)${b.value.affectedAreas ? `, ${b.value.affectedAreas.length} affected area(s)` : ''}${b.value.description ? `: ${quote(b.value.description)}` : ''}`;
    case 'incident':
      return `INCIDENT at ${iso(b.value.time)}: ${quote(b.value.description)}${b.value.clarificationRequested ? `; clarification requested${b.value.questions ? ` (${b.value.questions.length} question(s))` : ''}` : ''}`;
    case 'proposal':
      return `PROPOSAL "${b.value.title}": ${quote(b.value.terms)}`;
    case 'accept':
    case 'decline':
      return `${b.kind.toUpperCase()} measure ${short(b.value.measure)}`;
    case 'withdraw':
      return `WITHDRAW (${b.value.action}) measure ${short(b.value.measure)}`;
    case 'ack':
      return `ACK ${b.value.stage}${b.value.readBack ? `, read back ${quote(b.value.readBack)}` : ''}${b.value.reason ? `, reason ${quote(b.value.reason)}` : ''}`;
    case 'heartbeat':
      return `HEARTBEAT (has ${b.value.seen.map((entry) => `#${entry.seq}`).join(', ') || 'nothing'}; ${b.value.checkpoints.length} relay checkpoint(s))`;
    case 'suspend':
      return `SUSPEND: ${quote(b.value.reason)}`;
    case 'resume':
      return 'RESUME';
    default:
      return b.kind.toUpperCase();
  }
}

export function envelopeJson(charter: Charter, envelope: DecodedEnvelope, content?: Content) {
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
    ...(fields.ref ? { ref: toHex(fields.ref) } : {}),
    ...(content === undefined
      ? text === undefined
        ? { bodyHex: toHex(fields.body) }
        : { text }
      : content.ok
        ? { body: jsonSafe(content.body.value) }
        : { invalid: content.code }),
  };
}

export function envelopeLine(
  charter: Charter,
  envelope: DecodedEnvelope,
  content?: Content,
): string {
  const { fields } = envelope;
  const precedence = fields.precedence === 'routine' ? '' : ` [${fields.precedence.toUpperCase()}]`;
  const ref = fields.ref ? ` re ${short(fields.ref)}` : '';
  return `${new Date(fields.time).toISOString()}  ${memberName(charter, fields.sender)} #${fields.seq} ${short(envelope.id)}${precedence}${ref}  ${contentSummary(content, fields.body)}`;
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
