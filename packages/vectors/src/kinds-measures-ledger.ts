// The measure ledger's suite: test-vectors/kinds/measures_ledger.json — sequences
// of measure envelopes (proposal, accept, decline, withdraw) with the state of the
// measure after each step, or the code of the step the ledger rejects
// (spec/kinds/measures.md §5). The expected outcomes are written here by hand from
// the transition table. This package checks what the codec can (each step's body
// and measure id); the ledger itself is run over every vector by the client's tests
// (packages/client/test/measures.test.ts), since the state machine lives there.

import {
  decodeAcceptBody,
  decodeDeclineBody,
  decodeWithdrawBody,
  type EnvelopeId,
  type ErrorCode,
  encodeAcceptBody,
  encodeDeclineBody,
  encodeProposalBody,
  encodeWithdrawBody,
  fromHex,
  HotlineError,
  KIND,
  type MeasureAction,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  checkEachTest,
  registryCodes,
  type Suite,
  selfCheckedFile,
  type TestCase,
  type TestGroup,
} from './format.js';
import { alice, bob, carol } from './keys.js';

export const LEDGER_FILE = 'measures_ledger.json';

export type LedgerState =
  | 'proposed'
  | 'in-force'
  | 'suspended'
  | 'declined'
  | 'withdrawn'
  | 'revoked'
  | 'expired';

export interface LedgerStep {
  kind: number;
  kindName: string;
  /** A key name of the group's `keys`. */
  sender: string;
  time: number;
  envelopeId: string;
  /** The envelope's ref, when it has one. */
  ref?: string;
  body: string;
  /** The measure the step concerns: a proposal's own id, else the body's measure id. */
  measure: string;
  /** Accepted: the measure's state at the step's time. */
  state?: LedgerState;
  /** Rejected: the code (the ledger is unchanged). */
  error?: ErrorCode;
}

export interface LedgerTest extends TestCase {
  steps: LedgerStep[];
}

export interface LedgerGroup extends TestGroup<LedgerTest> {
  description: string;
  /** Test key name → public key (hex). */
  keys: Record<string, string>;
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`measure ledger vectors: ${message}`);
}

// ---------------------------------------------------------------------------
// Building sequences

const utf8 = new TextEncoder();
const hash = (text: string): Uint8Array => sha256(utf8.encode(text));
/** 2025-10-27T00:00:00Z. */
const T0 = 1_761_523_200_000;
const HOUR = 3_600_000;
const UNTIL = T0 + 30 * 24 * HOUR;
const KEYS = { alice, bob, carol } as const;
type Name = keyof typeof KEYS;

let counter = 0;
/** Envelope ids stand for real ones: SHA-256("hotline test envelope <n>"). */
const nextId = (): Uint8Array => hash(`hotline test envelope ${++counter}`);

/** One sequence under construction: steps, with the expected outcome of each. */
class Script {
  readonly steps: LedgerStep[] = [];

  propose(
    sender: Name,
    time: number,
    expect: LedgerState | ErrorCode,
    until: number | null = UNTIL,
  ): Uint8Array {
    const id = nextId();
    const body = encodeProposalBody({
      title: 'Naval separation',
      terms: { language: 'en', text: 'Warships keep 10 nautical miles apart in the agreed area.' },
      validity: until === null ? { from: T0 } : { from: T0, until },
      review: 7 * 24 * HOUR,
    });
    this.push(KIND.proposal, 'proposal', sender, time, id, undefined, body, id, expect);
    return id;
  }

  answer(
    action: 'accept' | 'decline' | MeasureAction,
    measure: Uint8Array,
    sender: Name,
    time: number,
    expect: LedgerState | ErrorCode,
    options: { ref?: Uint8Array | null; body?: Uint8Array } = {},
  ): Uint8Array {
    const m = measure as EnvelopeId;
    const [kind, kindName, body] =
      action === 'accept'
        ? [KIND.accept, 'accept', encodeAcceptBody({ measure: m })]
        : action === 'decline'
          ? [KIND.decline, 'decline', encodeDeclineBody({ measure: m })]
          : [KIND.withdraw, 'withdraw', encodeWithdrawBody({ measure: m, action })];
    const ref = options.ref === null ? undefined : (options.ref ?? measure);
    const id = nextId();
    this.push(kind, kindName, sender, time, id, ref, options.body ?? body, measure, expect);
    return id;
  }

  /** The same envelope again (delivered twice): accepted, nothing changes. */
  repeat(index: number, expect: LedgerState): void {
    const step = this.steps[index]!;
    this.steps.push({ ...step, state: expect });
  }

  private push(
    kind: number,
    kindName: string,
    sender: Name,
    time: number,
    id: Uint8Array,
    ref: Uint8Array | undefined,
    body: Uint8Array,
    measure: Uint8Array,
    expect: LedgerState | ErrorCode,
  ): void {
    const outcome = /^[A-Z]/.test(expect)
      ? { error: expect as ErrorCode }
      : { state: expect as LedgerState };
    this.steps.push({
      kind,
      kindName,
      sender,
      time,
      envelopeId: toHex(id),
      ...(ref === undefined ? {} : { ref: toHex(ref) }),
      body: toHex(body),
      measure: toHex(measure),
      ...outcome,
    });
  }
}

function sequence(comment: string, flags: string[], write: (s: Script) => void): LedgerTest {
  const script = new Script();
  write(script);
  const rejected = script.steps.filter((s) => s.error !== undefined);
  assert(
    rejected.length === 0 || (rejected.length === 1 && script.steps.at(-1)!.error !== undefined),
    `${comment}: only the last step may be rejected`,
  );
  const last = script.steps.at(-1)!;
  return {
    tcId: 0,
    comment,
    flags,
    result: last.error === undefined ? 'valid' : 'invalid',
    ...(last.error === undefined ? {} : { error: last.error }),
    steps: script.steps,
  };
}

/** A measure proposed by alice at T0 and accepted by bob an hour later. */
function inForce(s: Script): Uint8Array {
  const m = s.propose('alice', T0, 'proposed');
  s.answer('accept', m, 'bob', T0 + HOUR, 'in-force');
  return m;
}

function validSequences(): LedgerTest[] {
  return [
    sequence('proposed, then accepted by the other side', ['Valid'], (s) => {
      inForce(s);
    }),
    sequence('proposed, then declined by the other side', ['Valid'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('decline', m, 'bob', T0 + HOUR, 'declined');
    }),
    sequence('proposed, then withdrawn by the proposer', ['Valid'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('withdraw-proposal', m, 'alice', T0 + HOUR, 'withdrawn');
    }),
    sequence(
      'in force, suspended and resumed by the proposer, revoked by the other side',
      ['Valid'],
      (s) => {
        const m = inForce(s);
        s.answer('suspend', m, 'alice', T0 + 2 * HOUR, 'suspended');
        s.answer('resume', m, 'alice', T0 + 3 * HOUR, 'in-force');
        s.answer('revoke', m, 'bob', T0 + 4 * HOUR, 'revoked');
      },
    ),
    sequence(
      'suspended by the other side, revoked by the proposer while suspended',
      ['Valid'],
      (s) => {
        const m = inForce(s);
        s.answer('suspend', m, 'bob', T0 + 2 * HOUR, 'suspended');
        s.answer('revoke', m, 'alice', T0 + 3 * HOUR, 'revoked');
      },
    ),
    sequence(
      'a third member answers first and becomes the other side; it may suspend',
      ['Valid', 'Party'],
      (s) => {
        const m = s.propose('alice', T0, 'proposed');
        s.answer('accept', m, 'carol', T0 + HOUR, 'in-force');
        s.answer('suspend', m, 'carol', T0 + 2 * HOUR, 'suspended');
      },
    ),
    sequence('an open-ended measure accepted years later', ['Valid', 'Expiry'], (s) => {
      const m = s.propose('bob', T0, 'proposed', null);
      s.answer('accept', m, 'alice', T0 + 5 * 365 * 24 * HOUR, 'in-force');
    }),
    sequence('accepted 1 ms before the end of its window', ['Valid', 'Expiry'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('accept', m, 'bob', UNTIL - 1, 'in-force');
    }),
    sequence(
      'an accept delivered twice: the second changes nothing',
      ['Valid', 'Duplicate'],
      (s) => {
        inForce(s);
        s.repeat(1, 'in-force');
      },
    ),
    sequence('an accept without ref', ['Valid', 'Ref'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('accept', m, 'bob', T0 + HOUR, 'in-force', { ref: null });
    }),
    sequence('two measures, proposed by each side, answered in turn', ['Valid'], (s) => {
      const a = s.propose('alice', T0, 'proposed');
      const b = s.propose('bob', T0 + 1, 'proposed');
      s.answer('accept', b, 'alice', T0 + 2, 'in-force');
      s.answer('decline', a, 'bob', T0 + 3, 'declined');
      s.answer('suspend', b, 'bob', T0 + 4, 'suspended');
    }),
  ];
}

function invalidSequences(): LedgerTest[] {
  const NP: ErrorCode = 'MEASURE_NOT_PARTY';
  const TI: ErrorCode = 'MEASURE_TRANSITION_INVALID';
  return [
    sequence('the proposer accepts its own proposal', ['Party'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('accept', m, 'alice', T0 + HOUR, NP);
    }),
    sequence('the proposer declines its own proposal', ['Party'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('decline', m, 'alice', T0 + HOUR, NP);
    }),
    sequence('the other side withdraws the proposal', ['Party'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('withdraw-proposal', m, 'bob', T0 + HOUR, NP);
    }),
    sequence('a third member suspends a measure in force', ['Party'], (s) => {
      s.answer('suspend', inForce(s), 'carol', T0 + 2 * HOUR, NP);
    }),
    sequence('a third member revokes a measure in force', ['Party'], (s) => {
      s.answer('revoke', inForce(s), 'carol', T0 + 2 * HOUR, NP);
    }),
    sequence('the side that did not suspend resumes', ['Party'], (s) => {
      const m = inForce(s);
      s.answer('suspend', m, 'bob', T0 + 2 * HOUR, 'suspended');
      s.answer('resume', m, 'alice', T0 + 3 * HOUR, NP);
    }),
    sequence('accept of a measure in force', ['Transition'], (s) => {
      s.answer('accept', inForce(s), 'carol', T0 + 2 * HOUR, TI);
    }),
    sequence('resume of a proposed measure', ['Transition'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('resume', m, 'alice', T0 + HOUR, TI);
    }),
    sequence('suspend of a proposed measure', ['Transition'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('suspend', m, 'bob', T0 + HOUR, TI);
    }),
    sequence('revoke of a proposed measure', ['Transition'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('revoke', m, 'alice', T0 + HOUR, TI);
    }),
    sequence('suspend of a suspended measure', ['Transition'], (s) => {
      const m = inForce(s);
      s.answer('suspend', m, 'bob', T0 + 2 * HOUR, 'suspended');
      s.answer('suspend', m, 'alice', T0 + 3 * HOUR, TI);
    }),
    sequence('resume of a measure in force', ['Transition'], (s) => {
      s.answer('resume', inForce(s), 'bob', T0 + 2 * HOUR, TI);
    }),
    sequence('withdraw-proposal of a measure in force', ['Transition'], (s) => {
      s.answer('withdraw-proposal', inForce(s), 'alice', T0 + 2 * HOUR, TI);
    }),
    sequence('accept after a decline', ['Transition'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('decline', m, 'bob', T0 + HOUR, 'declined');
      s.answer('accept', m, 'bob', T0 + 2 * HOUR, TI);
    }),
    sequence('accept after a withdrawal', ['Transition'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('withdraw-proposal', m, 'alice', T0 + HOUR, 'withdrawn');
      s.answer('accept', m, 'bob', T0 + 2 * HOUR, TI);
    }),
    sequence('resume after a revocation', ['Transition'], (s) => {
      const m = inForce(s);
      s.answer('revoke', m, 'bob', T0 + 2 * HOUR, 'revoked');
      s.answer('resume', m, 'bob', T0 + 3 * HOUR, TI);
    }),
    sequence('accept at the end of the window (until)', ['Expiry'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('accept', m, 'bob', UNTIL, 'MEASURE_EXPIRED');
    }),
    sequence('revoke of a measure in force after its window', ['Expiry'], (s) => {
      s.answer('revoke', inForce(s), 'alice', UNTIL + HOUR, 'MEASURE_EXPIRED');
    }),
    sequence('a proposal sent at its own until', ['Expiry'], (s) => {
      s.propose('alice', UNTIL, 'MEASURE_EXPIRED');
    }),
    sequence('accept of a measure never proposed', ['Unknown'], (s) => {
      s.answer('accept', hash('hotline test measure'), 'bob', T0, 'MEASURE_UNKNOWN');
    }),
    sequence('accept whose ref names another envelope than its measure', ['Ref'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      s.answer('accept', m, 'bob', T0 + HOUR, 'MEASURE_REF_MISMATCH', {
        ref: hash('hotline test envelope 0'),
      });
    }),
    sequence('accept with a 31-byte measure id: the body is refused first', ['Body'], (s) => {
      const m = s.propose('alice', T0, 'proposed');
      const body = fromHex(`a101581f${toHex(m).slice(2)}`); // {1: h'…' (31 bytes)}
      s.answer('accept', m, 'bob', T0 + HOUR, 'BODY_MALFORMED', { body });
    }),
    sequence('withdraw with action 5', ['Body'], (s) => {
      const m = inForce(s);
      const body = fromHex(`a2015820${toHex(m)}0205`); // {1: measure, 2: 5}
      s.answer('revoke', m, 'bob', T0 + 2 * HOUR, 'BODY_INVALID', { body });
    }),
    sequence(
      'after the window, a third member resumes a declined measure: expiry is checked first',
      ['Order', 'Expiry'],
      (s) => {
        const m = s.propose('alice', T0, 'proposed');
        s.answer('decline', m, 'bob', T0 + HOUR, 'declined');
        s.answer('resume', m, 'carol', UNTIL, 'MEASURE_EXPIRED');
      },
    ),
    sequence(
      'the proposer accepts its measure in force: the state is checked before the sender',
      ['Order', 'Transition'],
      (s) => {
        s.answer('accept', inForce(s), 'alice', T0 + 2 * HOUR, TI);
      },
    ),
    sequence(
      'an unknown measure after any window: unknown is checked before expiry',
      ['Order', 'Unknown'],
      (s) => {
        s.answer('revoke', hash('hotline test measure'), 'carol', UNTIL + HOUR, 'MEASURE_UNKNOWN');
      },
    ),
  ];
}

// ---------------------------------------------------------------------------
// Checking (what the codec can: bodies and measure ids; the ledger: client tests)

const ANSWER_DECODERS: Record<number, (body: Uint8Array) => { measure: Uint8Array }> = {
  [KIND.accept]: decodeAcceptBody,
  [KIND.decline]: decodeDeclineBody,
  [KIND.withdraw]: decodeWithdrawBody,
};

export function checkLedgerTest(
  group: TestGroup<LedgerTest>,
  test: LedgerTest,
): string | undefined {
  const keys = (group as LedgerGroup).keys;
  const last = test.steps.at(-1);
  if (last === undefined) return 'no steps';
  if ((test.result === 'invalid') !== (last.error !== undefined) || test.error !== last.error) {
    return 'result and error must be those of the last step';
  }
  for (const [i, step] of test.steps.entries()) {
    if (keys[step.sender] === undefined) return `step ${i}: unknown sender ${step.sender}`;
    if ((step.state === undefined) === (step.error === undefined))
      return `step ${i}: state xor error`;
    if (step.kind === KIND.proposal) {
      if (step.measure !== step.envelopeId) return `step ${i}: a proposal's measure is its own id`;
      continue;
    }
    const decode = ANSWER_DECODERS[step.kind];
    if (decode === undefined) return `step ${i}: kind ${step.kind} is not a measure kind`;
    try {
      if (toHex(decode(fromHex(step.body)).measure) !== step.measure)
        return `step ${i}: measure differs`;
    } catch (error) {
      if (!(error instanceof HotlineError)) throw error;
      if (error.code !== step.error) return `step ${i}: body gives ${error.code}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Generation

const NOTES: Record<string, string> = {
  Valid: "Every step is accepted; `state` is the measure's state at the step's time.",
  Party: 'Who may make a transition: MEASURE_NOT_PARTY, or a third member answering first.',
  Transition: 'A transition the state does not allow: MEASURE_TRANSITION_INVALID.',
  Expiry:
    'The validity window: a measure is expired from `until` on (MEASURE_EXPIRED); open-ended ones never are.',
  Duplicate:
    'An envelope already applied (same id, e.g. delivered by two relays) is accepted and changes nothing.',
  Ref: "The envelope's ref: absent is accepted; one that names another envelope is MEASURE_REF_MISMATCH.",
  Unknown: 'A measure id that no proposal of the ledger has: MEASURE_UNKNOWN.',
  Body: 'A body the decoder refuses: its BODY_* code, before any ledger check.',
  Order: 'Several rules fail: the first in the order of spec/kinds/measures.md §5.3.',
};

const HEADER = [
  "Test vectors for the measure ledger (spec/kinds/measures.md §5): each test is a sequence of measure envelopes applied in order to an empty ledger. A step gives the envelope fields the ledger needs — `kind` (8 proposal, 9 accept, 10 decline, 11 withdraw), `sender` (a key name of the group's `keys`), `time` (ms since the Unix epoch), `envelopeId`, `ref` (absent when the envelope has none) and `body` — and the `measure` it concerns (a proposal's own id, else the id its body names). Each step expects either `state`, the measure's state at the step's time after the step, or `error`, the code of the rejection (the ledger is then unchanged). Only the last step of a test may be rejected; the test's `result` and `error` are the last step's.",
  'Keys: secret = SHA-256("hotline test key " + name) for alice, bob and carol (three members of one channel). Envelope ids stand for the ids of real envelopes: SHA-256("hotline test envelope <n>"). The proposals\' window is 1761523200000 (2025-10-27T00:00:00Z) to 30 days later (1764115200000), unless the comment says open-ended.',
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

function generate(): Record<string, unknown> {
  counter = 0;
  const keys = Object.fromEntries(Object.entries(KEYS).map(([n, k]) => [n, toHex(k.publicKey)]));
  const testGroups: LedgerGroup[] = [
    {
      type: 'MeasureLedger',
      description: 'Sequences that the ledger accepts step by step',
      keys,
      tests: validSequences(),
    },
    {
      type: 'MeasureLedger',
      description: 'Sequences whose last step the ledger rejects',
      keys,
      tests: invalidSequences(),
    },
  ];
  const covered = new Set(testGroups.flatMap((g) => g.tests.map((t) => t.error)));
  const missing = registryCodes('measure').filter((code) => !covered.has(code));
  assert(missing.length === 0, `no vector for ${missing.join(', ')}`);
  const file = selfCheckedFile<LedgerTest>(
    {
      $schema: '../schema/kinds-measures-ledger.schema.json',
      algorithm: 'HOTLINE-MEASURE-LEDGER',
      spec: 'spec/kinds/measures.md',
      header: HEADER,
      notes: NOTES,
      testGroups,
    },
    checkLedgerTest,
  );
  return { [LEDGER_FILE]: file };
}

function check(fileName: string, content: unknown): string[] {
  if (fileName !== LEDGER_FILE) return [`unexpected file ${fileName}`];
  return checkEachTest(content, checkLedgerTest);
}

export const kindsMeasuresLedgerSuite: Suite = { name: 'kinds', generate, check };
