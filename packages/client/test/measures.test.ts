// The measure ledger (spec/kinds/measures.md §5): every cell of the transition
// table — each state × each transition × each sender (the proposer, the other side,
// a third member) — against an expected table written out here independently of
// the implementation's own table; then the order of the checks, expiry, duplicates,
// history and immutability.

import { readFileSync } from 'node:fs';
import {
  encodeAcceptBody,
  encodeDeclineBody,
  encodeProposalBody,
  encodeWithdrawBody,
  fromHex,
  type HotlineError,
  KIND,
  type TextBlock,
  toHex,
} from '@hotline/codec';
import { expect } from 'chai';
import {
  applyMeasureEvent,
  EMPTY_MEASURE_LEDGER,
  findMeasure,
  type MeasureEvent,
  type MeasureLedger,
  type MeasureResult,
  type MeasureState,
  measureStateAt,
} from '../src/semantics/measures.js';

const filled = (byte: number, length = 32) => new Uint8Array(length).fill(byte);
const ALICE = filled(0xa1);
const BOB = filled(0xb0);
const CAROL = filled(0xc0);
const SENDERS = { proposer: ALICE, other: BOB, third: CAROL } as const;
type Who = keyof typeof SENDERS;

const T0 = 1_761_523_200_000;
const HOUR = 3_600_000;
const UNTIL = T0 + 24 * HOUR;
const TERMS: TextBlock = { language: 'en', text: 'No exercises within 50 km of the line.' };

let nextId = 0;
/** A fresh 32-byte envelope id per event: ids only need to be distinct. */
const freshId = () => {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(28, ++nextId);
  id[0] = 0xee;
  return id;
};

/** `until` null: an open-ended window. */
const proposalBody = (until: number | null) =>
  encodeProposalBody({
    title: 'Exercise notification zone',
    terms: TERMS,
    validity: until === null ? { from: T0 } : { from: T0, until },
  });

function proposal(sender = ALICE, time = T0, until: number | null = UNTIL): MeasureEvent {
  return { kind: KIND.proposal, sender, time, envelopeId: freshId(), body: proposalBody(until) };
}

type Action = 'accept' | 'decline' | 'withdraw-proposal' | 'suspend' | 'resume' | 'revoke';
const ACTIONS: readonly Action[] = [
  'accept',
  'decline',
  'withdraw-proposal',
  'suspend',
  'resume',
  'revoke',
];

function answer(
  action: Action,
  measure: Uint8Array,
  sender: Uint8Array,
  time: number,
): MeasureEvent {
  const base = { sender, time, envelopeId: freshId(), ref: measure };
  if (action === 'accept')
    return { ...base, kind: KIND.accept, body: encodeAcceptBody({ measure: measure as never }) };
  if (action === 'decline')
    return { ...base, kind: KIND.decline, body: encodeDeclineBody({ measure: measure as never }) };
  return {
    ...base,
    kind: KIND.withdraw,
    body: encodeWithdrawBody({ measure: measure as never, action }),
  };
}

function ok(result: MeasureResult): MeasureLedger {
  if (!result.ok) throw new Error(`unexpected rejection ${result.error.code}`);
  return result.ledger;
}

function code(result: MeasureResult): string {
  if (result.ok) throw new Error('expected a rejection');
  return result.error.code;
}

/** A ledger with one measure brought to `state` by alice (proposer) and bob. */
function measureIn(state: MeasureState): { ledger: MeasureLedger; id: Uint8Array; time: number } {
  const p = proposal();
  let ledger = ok(applyMeasureEvent(EMPTY_MEASURE_LEDGER, p));
  const id = p.envelopeId;
  const step = (action: Action, sender: Uint8Array, time: number) => {
    ledger = ok(applyMeasureEvent(ledger, answer(action, id, sender, time)));
  };
  if (state === 'in-force' || state === 'suspended' || state === 'revoked')
    step('accept', BOB, T0 + 1);
  if (state === 'suspended') step('suspend', BOB, T0 + 2);
  if (state === 'revoked') step('revoke', ALICE, T0 + 2);
  if (state === 'declined') step('decline', BOB, T0 + 1);
  if (state === 'withdrawn') step('withdraw-proposal', ALICE, T0 + 1);
  if (state === 'expired') step('accept', BOB, T0 + 1);
  const time = state === 'expired' ? UNTIL : T0 + 10;
  expect(measureStateAt(findMeasure(ledger, id)!, time)).to.equal(state);
  return { ledger, id, time };
}

// The expected table: per state and transition, the outcome for [proposer, other
// side, third member]: a state, or a code without its MEASURE_ prefix. In force and
// suspended measures have bob as the other side; suspended ones were suspended by bob.
type Cell = readonly [string, string, string];
const INVALID: Cell = ['TRANSITION_INVALID', 'TRANSITION_INVALID', 'TRANSITION_INVALID'];
const EXPIRED: Cell = ['EXPIRED', 'EXPIRED', 'EXPIRED'];
const TABLE: Record<MeasureState, Record<Action, Cell>> = {
  proposed: {
    accept: ['NOT_PARTY', 'in-force', 'in-force'],
    decline: ['NOT_PARTY', 'declined', 'declined'],
    'withdraw-proposal': ['withdrawn', 'NOT_PARTY', 'NOT_PARTY'],
    suspend: INVALID,
    resume: INVALID,
    revoke: INVALID,
  },
  'in-force': {
    accept: INVALID,
    decline: INVALID,
    'withdraw-proposal': INVALID,
    suspend: ['suspended', 'suspended', 'NOT_PARTY'],
    resume: INVALID,
    revoke: ['revoked', 'revoked', 'NOT_PARTY'],
  },
  suspended: {
    accept: INVALID,
    decline: INVALID,
    'withdraw-proposal': INVALID,
    suspend: INVALID,
    resume: ['NOT_PARTY', 'in-force', 'NOT_PARTY'],
    revoke: ['revoked', 'revoked', 'NOT_PARTY'],
  },
  declined: Object.fromEntries(ACTIONS.map((a) => [a, INVALID])) as Record<Action, Cell>,
  withdrawn: Object.fromEntries(ACTIONS.map((a) => [a, INVALID])) as Record<Action, Cell>,
  revoked: Object.fromEntries(ACTIONS.map((a) => [a, INVALID])) as Record<Action, Cell>,
  expired: Object.fromEntries(ACTIONS.map((a) => [a, EXPIRED])) as Record<Action, Cell>,
};

describe('measure ledger: the transition table, cell by cell', () => {
  for (const [state, row] of Object.entries(TABLE) as [MeasureState, Record<Action, Cell>][]) {
    for (const action of ACTIONS) {
      it(`${state} × ${action}: ${row[action].join(' / ')}`, () => {
        (['proposer', 'other', 'third'] as Who[]).forEach((who, i) => {
          const { ledger, id, time } = measureIn(state);
          const result = applyMeasureEvent(ledger, answer(action, id, SENDERS[who], time));
          const expected = row[action][i]!;
          if (expected === expected.toUpperCase()) {
            expect(code(result), `${who}`).to.equal(`MEASURE_${expected}`);
          } else {
            const after = ok(result);
            const record = findMeasure(after, id)!;
            expect(measureStateAt(record, time), who).to.equal(expected);
            expect(record.history.at(-1)!.transition).to.equal(action);
          }
        });
      });
    }
  }

  it('a proposal creates a proposed measure; the same proposal again changes nothing', () => {
    const p = proposal();
    const result = applyMeasureEvent(EMPTY_MEASURE_LEDGER, p);
    expect(result.ok && result.duplicate).to.equal(false);
    const ledger = ok(result);
    expect(findMeasure(ledger, p.envelopeId)!.state).to.equal('proposed');
    const again = applyMeasureEvent(ledger, p);
    expect(again.ok && again.duplicate && again.ledger === ledger).to.equal(true);
  });

  it('a proposal that ends before it is sent is MEASURE_EXPIRED; one ending later is fine', () => {
    expect(code(applyMeasureEvent(EMPTY_MEASURE_LEDGER, proposal(ALICE, UNTIL, UNTIL)))).to.equal(
      'MEASURE_EXPIRED',
    );
    ok(applyMeasureEvent(EMPTY_MEASURE_LEDGER, proposal(ALICE, UNTIL - 1, UNTIL)));
  });
});

describe('measure ledger: order of the checks', () => {
  it('body defects come first, with the decoder code', () => {
    const { ledger, id } = measureIn('proposed');
    const bad = { ...answer('accept', id, BOB, T0 + 1), body: Uint8Array.of(0xa0) };
    expect(code(applyMeasureEvent(ledger, bad))).to.equal('BODY_MALFORMED');
    const badProposal = { ...proposal(), body: Uint8Array.of(0xa1, 0x01) };
    expect(code(applyMeasureEvent(ledger, badProposal))).to.equal('CBOR_LENGTH_EXCEEDS_INPUT');
  });

  it('a ref that names another envelope is MEASURE_REF_MISMATCH; no ref is accepted', () => {
    const { ledger, id } = measureIn('proposed');
    const wrong = { ...answer('accept', id, BOB, T0 + 1), ref: filled(0x01) };
    const result = applyMeasureEvent(ledger, wrong);
    expect(code(result)).to.equal('MEASURE_REF_MISMATCH');
    expect((result as { error: HotlineError }).error.field).to.equal('ref');
    const { ref: _ref, ...noRef } = answer('accept', id, BOB, T0 + 1);
    expect(findMeasure(ok(applyMeasureEvent(ledger, noRef)), id)!.state).to.equal('in-force');
  });

  it('a measure the ledger does not hold is MEASURE_UNKNOWN, before expiry or state', () => {
    const { ledger } = measureIn('proposed');
    const stranger = filled(0x77);
    expect(code(applyMeasureEvent(ledger, answer('accept', stranger, BOB, UNTIL + 1)))).to.equal(
      'MEASURE_UNKNOWN',
    );
  });

  it('expiry before the state and the sender: even an otherwise invalid step is MEASURE_EXPIRED', () => {
    const { ledger, id } = measureIn('declined');
    expect(code(applyMeasureEvent(ledger, answer('resume', id, CAROL, UNTIL)))).to.equal(
      'MEASURE_EXPIRED',
    );
  });

  it('the state before the sender: the proposer accepting its measure in force is a transition error', () => {
    const { ledger, id } = measureIn('in-force');
    expect(code(applyMeasureEvent(ledger, answer('accept', id, ALICE, T0 + 5)))).to.equal(
      'MEASURE_TRANSITION_INVALID',
    );
  });
});

describe('measure ledger: expiry, parties, history', () => {
  it('expires at until exactly, whatever the recorded state; the record stays', () => {
    for (const state of [
      'proposed',
      'in-force',
      'suspended',
      'declined',
      'withdrawn',
      'revoked',
    ] as const) {
      const { ledger, id } = measureIn(state);
      const record = findMeasure(ledger, id)!;
      expect(measureStateAt(record, UNTIL - 1)).to.equal(state);
      expect(measureStateAt(record, UNTIL)).to.equal('expired');
      expect(record.state).to.equal(state);
    }
  });

  it('an open-ended measure never expires', () => {
    const p = proposal(ALICE, T0, null);
    let ledger = ok(applyMeasureEvent(EMPTY_MEASURE_LEDGER, p));
    ledger = ok(applyMeasureEvent(ledger, answer('accept', p.envelopeId, BOB, 2 ** 52)));
    expect(measureStateAt(findMeasure(ledger, p.envelopeId)!, Number.MAX_SAFE_INTEGER)).to.equal(
      'in-force',
    );
  });

  it('the first to answer becomes the other side: after carol accepts, bob is not a party', () => {
    const { ledger: start, id } = measureIn('proposed');
    const ledger = ok(applyMeasureEvent(start, answer('accept', id, CAROL, T0 + 1)));
    expect(toHex(findMeasure(ledger, id)!.responder!)).to.equal(toHex(CAROL));
    expect(code(applyMeasureEvent(ledger, answer('suspend', id, BOB, T0 + 2)))).to.equal(
      'MEASURE_NOT_PARTY',
    );
    ok(applyMeasureEvent(ledger, answer('suspend', id, CAROL, T0 + 2)));
  });

  it('resume only by the side that suspended: the proposer suspends, the other side cannot resume', () => {
    const { ledger: start, id } = measureIn('in-force');
    const suspended = ok(applyMeasureEvent(start, answer('suspend', id, ALICE, T0 + 3)));
    expect(code(applyMeasureEvent(suspended, answer('resume', id, BOB, T0 + 4)))).to.equal(
      'MEASURE_NOT_PARTY',
    );
    const resumed = ok(applyMeasureEvent(suspended, answer('resume', id, ALICE, T0 + 4)));
    const record = findMeasure(resumed, id)!;
    expect(record.state).to.equal('in-force');
    expect(record.suspendedBy).to.equal(undefined);
  });

  it('keeps every transition in the history and never changes the ledger given', () => {
    const p = proposal();
    const l0 = EMPTY_MEASURE_LEDGER;
    const l1 = ok(applyMeasureEvent(l0, p));
    const events = [
      answer('accept', p.envelopeId, BOB, T0 + 1),
      answer('suspend', p.envelopeId, BOB, T0 + 2),
      answer('resume', p.envelopeId, BOB, T0 + 3),
      answer('revoke', p.envelopeId, ALICE, T0 + 4),
    ];
    let ledger = l1;
    for (const e of events) ledger = ok(applyMeasureEvent(ledger, e));
    const record = findMeasure(ledger, p.envelopeId)!;
    expect(
      record.history.map((e) => [e.state, e.transition, toHex(e.sender), e.time]),
    ).to.deep.equal([
      ['proposed', 'propose', toHex(ALICE), T0],
      ['in-force', 'accept', toHex(BOB), T0 + 1],
      ['suspended', 'suspend', toHex(BOB), T0 + 2],
      ['in-force', 'resume', toHex(BOB), T0 + 3],
      ['revoked', 'revoke', toHex(ALICE), T0 + 4],
    ]);
    expect(record.history.map((e) => toHex(e.envelopeId))).to.deep.equal(
      [p, ...events].map((e) => toHex(e.envelopeId)),
    );
    expect(l0.measures.size).to.equal(0);
    expect(findMeasure(l1, p.envelopeId)!.state).to.equal('proposed');
    expect(Object.isFrozen(record) && Object.isFrozen(record.history)).to.equal(true);
    // An answer applied twice (delivered by two relays) is a duplicate, not an error.
    const again = applyMeasureEvent(ledger, events[3]!);
    expect(again.ok && again.duplicate && again.ledger === ledger).to.equal(true);
  });

  it('refuses arguments of the wrong kind or size as programming errors', () => {
    const p = proposal();
    expect(() => applyMeasureEvent(EMPTY_MEASURE_LEDGER, { ...p, kind: KIND.text })).to.throw(
      RangeError,
    );
    expect(() => applyMeasureEvent(EMPTY_MEASURE_LEDGER, { ...p, sender: filled(1, 31) })).to.throw(
      RangeError,
    );
    expect(() => applyMeasureEvent(EMPTY_MEASURE_LEDGER, { ...p, time: -1 })).to.throw(RangeError);
    expect(() => applyMeasureEvent({} as MeasureLedger, p)).to.throw(TypeError);
  });
});

// ------------------------------------------------------- shared vectors

interface LedgerStep {
  kind: number;
  sender: string;
  time: number;
  envelopeId: string;
  ref?: string;
  body: string;
  measure: string;
  state?: string;
  error?: string;
}

const VECTORS = new URL('../../../test-vectors/kinds/measures_ledger.json', import.meta.url);
const ledgerFile = JSON.parse(readFileSync(VECTORS, 'utf8')) as {
  testGroups: {
    keys: Record<string, string>;
    tests: { tcId: number; comment: string; steps: LedgerStep[] }[];
  }[];
};

describe('measure ledger: test-vectors/kinds/measures_ledger.json', () => {
  for (const group of ledgerFile.testGroups) {
    for (const test of group.tests) {
      it(`tcId ${test.tcId}: ${test.comment}`, () => {
        let ledger = EMPTY_MEASURE_LEDGER;
        test.steps.forEach((step, i) => {
          const result = applyMeasureEvent(ledger, {
            kind: step.kind,
            sender: fromHex(group.keys[step.sender]!),
            time: step.time,
            envelopeId: fromHex(step.envelopeId),
            ...(step.ref === undefined ? {} : { ref: fromHex(step.ref) }),
            body: fromHex(step.body),
          });
          if (step.error !== undefined) {
            expect(code(result), `step ${i}`).to.equal(step.error);
            return;
          }
          ledger = ok(result);
          const record = findMeasure(ledger, fromHex(step.measure))!;
          expect(measureStateAt(record, step.time), `step ${i}`).to.equal(step.state);
        });
      });
    }
  }
});
