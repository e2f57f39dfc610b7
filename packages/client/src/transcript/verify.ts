// Verifying a transcript offline (spec/09-transcript.md §4): one verdict per item —
// the charter, every envelope, and per relay its log, checkpoints, consistency
// proofs and receipts. Bad content never throws: it is a 'fail' with its code.
// 'unchecked' marks what the file cannot settle (a checkpoint beyond the recorded
// log with no proof linking it), so a report never claims more than it checked.

import {
  bytesEqual,
  type Charter,
  checkCharterEnvelope,
  type DecodedCheckpoint,
  decodeCheckpoint,
  decodeEnvelope,
  decodeReceipt,
  type ErrorCode,
  HotlineError,
  isHotlineError,
  KIND,
  listsRelay,
  toHex,
} from '@hotline/codec';
import {
  Membership,
  MemoryChainHistory,
  MerkleLog,
  type OpenedEnvelope,
  openCheckpoint,
  openEnvelope,
  SenderChain,
  type VerifyOptions,
  verifyConsistency,
  verifyReceipt,
} from '@hotline/signer';
import { memberLabel, relayLabel } from './_labels.js';
import type { Transcript, TranscriptRelay } from './format.js';

/**
 * 'void': a valid envelope of a key revoked from a time at or before its own
 * (spec/kinds/keys.md §5): kept as evidence, it carries no authority.
 */
export type TranscriptVerdict = 'ok' | 'fail' | 'unchecked' | 'void';

export interface TranscriptItem {
  /** What was checked, for people: "charter", "envelope alice#3", "relay 2d6ba0ef…: log". */
  readonly item: string;
  readonly verdict: TranscriptVerdict;
  /** The error code of a 'fail' (and KEY_REVOKED for a 'void'). */
  readonly code?: ErrorCode;
  readonly detail?: string;
}

export interface TranscriptReport {
  readonly items: readonly TranscriptItem[];
  /** True iff no item failed ('unchecked' and 'void' items do not make a report fail). */
  readonly ok: boolean;
}

/** How often (in items) `onProgress` is called. */
const PROGRESS_EVERY = 1000;

export interface TranscriptVerifyOptions extends VerifyOptions {
  /** Called with the number of items checked so far, every 1000 items: for progress displays. */
  onProgress?: (checked: number) => void;
}

class Items {
  readonly list: TranscriptItem[] = [];
  constructor(private readonly onProgress?: (checked: number) => void) {}
  #push(item: TranscriptItem): void {
    this.list.push(item);
    if (this.onProgress !== undefined && this.list.length % PROGRESS_EVERY === 0) {
      this.onProgress(this.list.length);
    }
  }
  ok(item: string, detail?: string): void {
    this.#push(detail === undefined ? { item, verdict: 'ok' } : { item, verdict: 'ok', detail });
  }
  fail(item: string, code: ErrorCode, detail: string): void {
    this.#push({ item, verdict: 'fail', code, detail });
  }
  unchecked(item: string, detail: string): void {
    this.#push({ item, verdict: 'unchecked', detail });
  }
  void(item: string, detail: string): void {
    this.#push({ item, verdict: 'void', code: 'KEY_REVOKED', detail });
  }
  /** A HotlineError becomes a 'fail'; anything else is a bug and propagates. */
  failWith(item: string, error: unknown): void {
    if (!isHotlineError(error)) throw error;
    this.fail(item, error.code, messageOf(error));
  }
}

function messageOf(error: HotlineError): string {
  const prefix = `${error.code}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The envelopes that passed I2–I4, by id, with their people's labels. */
interface Held {
  readonly byId: Map<string, OpenedEnvelope>;
  label(envelope: OpenedEnvelope): string;
}

/** I1: the charter envelope, in the order of spec/08-channels.md §5 (Y1–Y7), and the channel. */
function checkCharter(t: Transcript, items: Items, options: VerifyOptions): Charter | undefined {
  try {
    const charter = checkCharterEnvelope(decodeEnvelope(t.charter));
    openEnvelope(t.charter, options);
    if (!bytesEqual(charter.channel, t.channel)) {
      throw new HotlineError(
        'TRANSCRIPT_CHANNEL_MISMATCH',
        `the charter defines channel ${toHex(charter.channel)}, the transcript names ${toHex(t.channel)}`,
      );
    }
    items.ok('charter', `channel ${toHex(charter.channel)}`);
    return charter;
  } catch (error) {
    items.failWith('charter', error);
    return undefined;
  }
}

/** I2–I5: every envelope opened, of the channel, by a member; then each sender's chain. */
/** The channel's members after every key-rotate and key-revoke of `envelopes` that takes effect. */
function membersOf(charter: Charter, envelopes: ReadonlyMap<string, OpenedEnvelope>): Membership {
  const membership = new Membership(charter);
  const changes = [...envelopes.values()]
    .filter((e) => e.fields.kind === KIND['key-rotate'] || e.fields.kind === KIND['key-revoke'])
    .sort((a, b) => a.fields.seq - b.fields.seq);
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (const change of [...changes]) {
      if (membership.partyOf(change.fields.sender) === undefined) continue; // not yet a member
      changes.splice(changes.indexOf(change), 1);
      membership.observe(change);
      progressed = true;
    }
  }
  return membership;
}

function checkEnvelopes(
  t: Transcript,
  charter: Charter,
  items: Items,
  options: VerifyOptions,
): Held {
  const label = (e: OpenedEnvelope) =>
    `envelope ${memberLabel(charter, e.fields.sender)}#${e.fields.seq}`;
  const opened = new Map<string, OpenedEnvelope>();
  const byId = new Map<string, OpenedEnvelope>();
  const bySender = new Map<string, OpenedEnvelope[]>();
  // The charter first, so that it is named like any envelope even if the list lacks it.
  const sources = [t.charter, ...t.envelopes];
  for (let i = 0; i < sources.length; i++) {
    const bytes = sources[i]!;
    let name = i === 0 ? 'envelope (charter)' : `envelopes[${i - 1}]`;
    let envelope: OpenedEnvelope;
    try {
      name = label(decodeEnvelope(bytes));
      envelope = openEnvelope(bytes, options);
    } catch (error) {
      items.failWith(name, error);
      continue;
    }
    const id = toHex(envelope.id);
    const first = opened.get(id);
    if (first !== undefined) {
      // Same id, same signed payload (03-chains.md §4.2): the same envelope. Only a
      // copy with other signature bytes is worth a line.
      if (!bytesEqual(first.bytes, envelope.bytes)) {
        items.ok(name, `duplicate of ${id} with other signature bytes`);
      }
      continue;
    }
    opened.set(id, envelope);
    if (!bytesEqual(envelope.fields.channel, t.channel)) {
      items.fail(
        name,
        'TRANSCRIPT_CHANNEL_MISMATCH',
        `of channel ${toHex(envelope.fields.channel)}`,
      );
      continue;
    }
    byId.set(id, envelope);
  }

  // I4: the sender is a member: a charter key, or a successor a valid key-rotate of
  // a member named (spec/kinds/keys.md). Rotations are taken until none is left,
  // each in its sender's seq order, so the order of the file does not matter.
  const membership = membersOf(charter, byId);
  for (const [id, envelope] of byId) {
    if (membership.partyOf(envelope.fields.sender) !== undefined) continue;
    items.fail(
      label(envelope),
      'NOT_MEMBER',
      `sender ${toHex(envelope.fields.sender)} is not a member`,
    );
    byId.delete(id);
  }
  for (const envelope of byId.values()) {
    const sender = toHex(envelope.fields.sender);
    const list = bySender.get(sender) ?? [];
    list.push(envelope);
    bySender.set(sender, list);
  }

  // I5: each chain in seq order (a successor's too). Of two envelopes at one seq, the one the next seq
  // links to goes first, so that the fork is reported once, at the branch left out.
  const linked = new Set<string>();
  for (const e of byId.values()) if (e.fields.prev !== undefined) linked.add(toHex(e.fields.prev));
  const order = [...byId.values()];
  const position = new Map(order.map((e, i) => [e, i]));
  // Charter members in charter order, then successors in the order first seen.
  const senders = [...new Set([...charter.members.map((m) => toHex(m.key)), ...bySender.keys()])];
  for (const sender of senders) {
    const chain = bySender.get(sender);
    if (chain === undefined) continue;
    chain.sort(
      (a, b) =>
        a.fields.seq - b.fields.seq ||
        Number(linked.has(toHex(b.id))) - Number(linked.has(toHex(a.id))) ||
        position.get(a)! - position.get(b)!,
    );
    checkChain(chain, label, items, (e) => standingOf(membership, e));
  }
  return { byId, label };
}

/** What membership says of an envelope its chain accepted (spec/kinds/keys.md §5). */
type Standing =
  | { readonly verdict: 'ok' }
  | { readonly verdict: 'void'; readonly detail: string }
  | { readonly verdict: 'fail'; readonly code: ErrorCode; readonly detail: string };

/**
 * With every key-rotate and key-revoke taken: an envelope beyond the end of its
 * key's chain (after its key-rotate or own key-revoke) or a successor's first
 * envelope that does not start from its key-rotate fails (MB2, MB3: no honest relay
 * logs it); an envelope of a key revoked from a time at or before its own is void
 * (I6), except that key-revoke itself (a key may pull its own kill switch).
 */
function standingOf(membership: Membership, e: OpenedEnvelope): Standing {
  const refusal = membership.checkSender(e);
  if (refusal !== undefined) {
    return {
      verdict: 'fail',
      code: refusal.code,
      detail: `id ${toHex(e.id)}: ${refusal.code === 'SUCCESSOR_START_INVALID' ? "not the start of the successor's chain" : "after the end of its key's chain"}`,
    };
  }
  const revoked = membership.revoked(e.fields.sender);
  if (revoked === undefined || e.fields.time < revoked.effectiveFrom) return { verdict: 'ok' };
  if (bytesEqual(revoked.id, e.id)) return { verdict: 'ok' };
  return {
    verdict: 'void',
    detail:
      `id ${toHex(e.id)}: its key was revoked (${revoked.reason}) from ` +
      `${new Date(revoked.effectiveFrom).toISOString()} by ${toHex(revoked.id)}`,
  };
}

function checkChain(
  envelopes: readonly OpenedEnvelope[],
  label: (e: OpenedEnvelope) => string,
  items: Items,
  standingOf: (e: OpenedEnvelope) => Standing,
): void {
  const history = new MemoryChainHistory();
  let chain = new SenderChain(history);
  // After a gap or a bad link the chain goes on from the envelope, so that each defect
  // is reported once and the links after it are still checked.
  const restartAt = (e: OpenedEnvelope) => {
    history.put(e);
    chain = new SenderChain(history, { seq: e.fields.seq, id: e.id });
  };
  for (const e of envelopes) {
    const name = label(e);
    const verdict = chain.append(e);
    switch (verdict.verdict) {
      case 'accept':
      case 'duplicate': {
        const standing = standingOf(e);
        if (standing.verdict === 'ok') items.ok(name, `id ${toHex(e.id)}`);
        else if (standing.verdict === 'void') items.void(name, standing.detail);
        else items.fail(name, standing.code, standing.detail);
        break;
      }
      case 'gap': {
        const missing =
          verdict.expected === verdict.got - 1
            ? `seq ${verdict.expected}`
            : `seq ${verdict.expected} to ${verdict.got - 1}`;
        items.fail(name, 'CHAIN_GAP', `${missing} missing before id ${toHex(e.id)}`);
        restartAt(e);
        break;
      }
      case 'bad-prev':
        items.fail(
          name,
          'CHAIN_BAD_PREV',
          `prev ${toHex(verdict.got)}, but seq ${e.fields.seq - 1} is ${toHex(verdict.expected)}`,
        );
        restartAt(e);
        break;
      case 'fork': {
        const existing = history.get(verdict.seq);
        items.fail(
          name,
          'CHAIN_FORK',
          `two envelopes at seq ${verdict.seq}: ${existing === undefined ? '?' : toHex(existing.id)} and ${toHex(e.id)}`,
        );
        break;
      }
      case 'unknown-past':
        // Cannot happen: the history keeps every envelope. Said, not hidden.
        items.unchecked(name, 'the envelope at this seq is not retained');
        break;
    }
  }
}

/** L2–L4: every log entry is a held envelope; index 0 a charter; each sender in chain order. */
function checkLog(r: TranscriptRelay, charter: Charter, held: Held, items: Items): void {
  const name = `${relayLabel(r.relay)}: log of ${r.log.length} entries`;
  const last = new Map<string, OpenedEnvelope>();
  for (let i = 0; i < r.log.length; i++) {
    const id = toHex(r.log[i]!);
    const e = held.byId.get(id);
    if (e === undefined) {
      return items.fail(name, 'TRANSCRIPT_ENVELOPE_MISSING', `index ${i}: no valid envelope ${id}`);
    }
    const isCharter = e.fields.kind === KIND.charter;
    if (i === 0) {
      try {
        if (!isCharter) throw new HotlineError('CHARTER_KIND_MISMATCH', 'not of kind charter');
        checkCharterEnvelope(e);
      } catch (error) {
        const why = isHotlineError(error) ? messageOf(error) : String(error);
        return items.fail(name, 'TRANSCRIPT_LOG_INVALID', `index 0 is not the charter: ${why}`);
      }
    } else if (isCharter) {
      return items.fail(name, 'TRANSCRIPT_LOG_INVALID', `a charter envelope at index ${i}`);
    }
    const sender = toHex(e.fields.sender);
    const previous = last.get(sender);
    const expected = (previous?.fields.seq ?? 0) + 1;
    const linksBack =
      previous === undefined ||
      (e.fields.prev !== undefined && bytesEqual(e.fields.prev, previous.id));
    if (e.fields.seq !== expected || !linksBack) {
      return items.fail(
        name,
        'TRANSCRIPT_LOG_INVALID',
        `index ${i}: ${held.label(e)} where ${memberLabel(charter, e.fields.sender)}#${expected} linked to the one before was due`,
      );
    }
    last.set(sender, e);
  }
  items.ok(name);
}

interface OpenedCheckpoint {
  readonly checkpoint: DecodedCheckpoint;
  readonly root: string;
}

/** L5: the relay's checkpoints, those inside its receipts included, each once, opened. */
function openCheckpoints(
  r: TranscriptRelay,
  channel: Uint8Array,
  items: Items,
  options: VerifyOptions,
): OpenedCheckpoint[] {
  const rl = relayLabel(r.relay);
  const sources: [string, Uint8Array][] = r.checkpoints.map((c, i) => [`checkpoints[${i}]`, c]);
  r.receipts.forEach((bytes, i) => {
    try {
      sources.push([`receipts[${i}].checkpoint`, decodeReceipt(bytes).checkpoint]);
    } catch {
      // An undecodable receipt is reported as a receipt (L9).
    }
  });
  const seen = new Set<string>();
  const opened: OpenedCheckpoint[] = [];
  for (const [where, bytes] of sources) {
    const key = toHex(bytes);
    if (seen.has(key)) continue;
    seen.add(key);
    let name = `${rl}: ${where}`;
    try {
      name = `${rl}: checkpoint size ${decodeCheckpoint(bytes).fields.size}`;
      const checkpoint = openCheckpoint(bytes, { ...options, relay: r.relay, channel });
      opened.push({ checkpoint, root: toHex(checkpoint.fields.root) });
    } catch (error) {
      items.failWith(name, error);
    }
  }
  return opened.sort((a, b) => a.checkpoint.fields.size - b.checkpoint.fields.size);
}

const linkKey = (a: OpenedCheckpoint, b: OpenedCheckpoint) =>
  `${a.checkpoint.fields.size}:${a.root}>${b.checkpoint.fields.size}:${b.root}`;

/** L6–L8: equal sizes, consistency proofs, and each checkpoint against the log. */
function checkCheckpoints(
  r: TranscriptRelay,
  checkpoints: readonly OpenedCheckpoint[],
  items: Items,
): void {
  const rl = relayLabel(r.relay);
  const bySize = new Map<number, OpenedCheckpoint[]>();
  for (const c of checkpoints) {
    const size = c.checkpoint.fields.size;
    const group = bySize.get(size) ?? [];
    if (!group.some((g) => g.root === c.root)) group.push(c);
    bySize.set(size, group);
  }
  // L6: one size, two roots — the two signed checkpoints alone are the evidence.
  for (const [size, group] of bySize) {
    if (group.length > 1) {
      items.fail(
        `${rl}: checkpoints of size ${size}`,
        'CHECKPOINT_INCONSISTENT',
        `one size, ${group.length} roots: ${group.map((g) => g.root).join(', ')}`,
      );
    }
  }
  // L7: every consistency proof between the checkpoints of its two sizes.
  const links = new Set<string>();
  for (const { fromSize, toSize, proof } of r.consistency) {
    const name = `${rl}: consistency ${fromSize}→${toSize}`;
    const froms = bySize.get(fromSize) ?? [];
    const tos = bySize.get(toSize) ?? [];
    if (froms.length === 0 || tos.length === 0) {
      const lacking = froms.length === 0 ? fromSize : toSize;
      items.unchecked(name, `no valid checkpoint of size ${lacking} in the transcript`);
      continue;
    }
    const failed: string[] = [];
    for (const a of froms) {
      for (const b of tos) {
        const { root: ra } = a.checkpoint.fields;
        const { root: rb } = b.checkpoint.fields;
        if (verifyConsistency(fromSize, toSize, proof, ra, rb)) links.add(linkKey(a, b));
        else failed.push(`${a.root} → ${b.root}`);
      }
    }
    if (failed.length > 0) {
      items.fail(name, 'CHECKPOINT_INCONSISTENT', `the proof fails for ${failed.join('; ')}`);
    } else items.ok(name);
  }
  // L8: ascending by size. Within the log a root must be the log's; beyond it, a
  // checkpoint must be proven to extend the largest checkpoint verified before it.
  const log = new MerkleLog();
  log.appendIds([...r.log]);
  const n = r.log.length;
  const verified = new Set<string>();
  let anchor: OpenedCheckpoint | undefined;
  for (const c of checkpoints) {
    const { size, root } = c.checkpoint.fields;
    const name = `${rl}: checkpoint size ${size}`;
    if (size <= n) {
      const expected = log.root(size);
      if (bytesEqual(root, expected)) {
        items.ok(name, `root ${c.root} = the log's first ${size} entries`);
        verified.add(`${size}:${c.root}`);
        anchor = c;
      } else {
        items.fail(
          name,
          'TRANSCRIPT_ROOT_MISMATCH',
          `root ${c.root}, the log's first ${size} entries give ${toHex(expected)}`,
        );
      }
    } else if (verified.has(`${size}:${c.root}`)) {
      items.ok(name, `root ${c.root}, as another checkpoint of this size`);
    } else if (anchor !== undefined && links.has(linkKey(anchor, c))) {
      items.ok(name, `root ${c.root}, proven to extend size ${anchor.checkpoint.fields.size}`);
      verified.add(`${size}:${c.root}`);
      anchor = c;
    } else {
      const from =
        anchor === undefined ? 'a verified checkpoint' : `size ${anchor.checkpoint.fields.size}`;
      items.unchecked(
        name,
        `beyond the recorded log (${n} entries) and no consistency proof from ${from}`,
      );
    }
  }
}

/** L9: each receipt verified against the relay and channel, its id held and in the log. */
function checkReceipts(
  r: TranscriptRelay,
  channel: Uint8Array,
  held: Held,
  items: Items,
  options: VerifyOptions,
): void {
  const rl = relayLabel(r.relay);
  for (let i = 0; i < r.receipts.length; i++) {
    const bytes = r.receipts[i]!;
    let name = `${rl}: receipts[${i}]`;
    try {
      const { index, id } = decodeReceipt(bytes);
      const e = held.byId.get(toHex(id));
      name = `${rl}: receipt index ${index}${e === undefined ? '' : ` (${held.label(e)})`}`;
      verifyReceipt(bytes, { ...options, relay: r.relay, channel });
      const logged = r.log[index];
      if (e === undefined) {
        items.fail(name, 'TRANSCRIPT_ENVELOPE_MISSING', `no valid envelope ${toHex(id)}`);
      } else if (logged !== undefined && !bytesEqual(logged, id)) {
        items.fail(
          name,
          'RECEIPT_ID_MISMATCH',
          `receipt for ${toHex(id)}, the log has ${toHex(logged)} at index ${index}`,
        );
      } else if (logged === undefined) {
        items.ok(name, `index beyond the recorded log (${r.log.length} entries)`);
      } else items.ok(name);
    } catch (error) {
      items.failWith(name, error);
    }
  }
}

/**
 * Verifies a decoded transcript offline (spec/09-transcript.md §4) and returns one
 * verdict per item; `ok` is true iff no item failed. Never throws on bad content.
 */
export function verifyTranscript(
  t: Transcript,
  options: TranscriptVerifyOptions = {},
): TranscriptReport {
  const items = new Items(options.onProgress);
  const charter = checkCharter(t, items, options);
  if (charter === undefined) {
    items.unchecked('transcript', 'nothing else can be checked without a valid charter');
    return Object.freeze({ items: Object.freeze(items.list), ok: false });
  }
  const held = checkEnvelopes(t, charter, items, options);
  for (const r of t.relays) {
    if (!listsRelay(charter, r.relay)) {
      items.fail(
        relayLabel(r.relay),
        'TRANSCRIPT_RELAY_UNLISTED',
        `the charter does not list relay ${toHex(r.relay)}`,
      );
      continue;
    }
    checkLog(r, charter, held, items);
    const checkpoints = openCheckpoints(r, t.channel, items, options);
    checkCheckpoints(r, checkpoints, items);
    checkReceipts(r, t.channel, held, items, options);
  }
  return Object.freeze({
    items: Object.freeze(items.list),
    ok: !items.list.some((i) => i.verdict === 'fail'),
  });
}
