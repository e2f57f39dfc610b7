// The chain suite: test-vectors/chain/sender_chain.json. Each test is a sequence of
// genuine envelopes (signed with the fixed test keys) that a receiver feeds, in order,
// to its per-(channel, sender) chains, with the verdict each step must get: accept,
// duplicate, gap (with the expected seq), bad-prev (with the expected id) or fork
// (naming the earlier step whose envelope is the other half of the evidence).

import { type ErrorCode, fromHex, HotlineError, toHex } from '@hotline/codec';
import { ChainTracker, type ChainVerdict, openEnvelope, signEnvelope } from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  checkEachTest,
  checkNotes,
  finaliseFile,
  registryCodes,
  type Suite,
  type TestCase,
  type TestGroup,
} from './format.js';
import { alice, bob, type TestKey } from './keys.js';
import { intMap, tstr } from './raw.js';

export const CHAIN_FILE = 'sender_chain.json';

// ---------------------------------------------------------------------------
// JSON shape

export type StepVerdict = 'accept' | 'duplicate' | 'gap' | 'bad-prev' | 'fork';

export interface ChainStep {
  /** The envelope bytes. */
  envelope: string;
  /** Its id: SHA-256 of its Sig_structure. */
  id: string;
  verdict: StepVerdict;
  /** accept, duplicate, fork: the envelope's seq. */
  seq?: number;
  /** gap: the seq the chain expects (a number); bad-prev: the id of the chain's head (hex). */
  expected?: number | string;
  /** gap: the envelope's seq; bad-prev: the envelope's prev (hex). */
  got?: number | string;
  /** fork: index (from 0) of the earlier step whose envelope holds this seq. */
  existing?: number;
}

export interface ChainTest extends TestCase {
  steps: ChainStep[];
}

// ---------------------------------------------------------------------------
// Fixed inputs

const utf8 = new TextEncoder();
/** The envelope suite's channel: SHA-256("hotline test channel"). */
const CHANNEL = sha256(utf8.encode('hotline test channel'));
/** A second channel: SHA-256("hotline test channel 2"). */
const CHANNEL_2 = sha256(utf8.encode('hotline test channel 2'));
/** 2025-10-27T00:00:00Z; envelope seq n is sent n minutes later. */
const T0 = 1_761_523_200_000;
const KIND_TEXT = 3;

interface Envelope {
  readonly bytes: Uint8Array;
  readonly id: Uint8Array;
  readonly seq: number;
  readonly prev: Uint8Array | undefined;
}

/** A genuine envelope by `key` at `seq` linking to `prev`; `text` makes it distinct. */
function envelope(
  key: TestKey,
  seq: number,
  prev: Envelope | undefined,
  text: string,
  channel: Uint8Array = CHANNEL,
): Envelope {
  const bytes = signEnvelope(
    {
      channel,
      sender: key.publicKey,
      seq,
      prev: prev?.id,
      time: T0 + seq * 60_000,
      kind: KIND_TEXT,
      body: intMap([[1, tstr(text)]]),
    },
    key.secret,
  );
  const opened = openEnvelope(bytes);
  return { bytes, id: opened.id, seq, prev: opened.fields.prev };
}

/** e[1..n] of one correctly linked chain (index 0 unused). */
function chain(key: TestKey, n: number, channel: Uint8Array = CHANNEL): Envelope[] {
  const out: Envelope[] = [];
  for (let seq = 1; seq <= n; seq++) {
    out[seq] = envelope(key, seq, out[seq - 1], `${key.name}, message ${seq}.`, channel);
  }
  return out;
}

const at = (envelopes: Envelope[], seq: number): Envelope => {
  const e = envelopes[seq];
  if (e === undefined) throw new Error(`chain vectors: no envelope ${seq}`);
  return e;
};

// ---------------------------------------------------------------------------
// Cases: each step's verdict is written out by hand, not computed by the tracker.

type Expect =
  | { verdict: 'accept' | 'duplicate' }
  | { verdict: 'gap'; expected: number }
  | { verdict: 'bad-prev'; expected: Envelope }
  | { verdict: 'fork'; existing: number };

const ACCEPT: Expect = { verdict: 'accept' };
const DUPLICATE: Expect = { verdict: 'duplicate' };
const gap = (expected: number): Expect => ({ verdict: 'gap', expected });
const badPrev = (head: Envelope): Expect => ({ verdict: 'bad-prev', expected: head });
const fork = (existing: number): Expect => ({ verdict: 'fork', existing });

interface Case {
  comment: string;
  flags: string[];
  steps: [Envelope, Expect][];
}

function cases(): Case[] {
  const a = chain(alice, 5);
  const b = chain(bob, 3);
  const a2 = chain(alice, 3, CHANNEL_2);
  // alice's other seq 2 and seq 4 (same prev as the real ones): equivocation.
  const a2x = envelope(alice, 2, at(a, 1), 'alice, another message 2.');
  const a4x = envelope(alice, 4, at(a, 3), 'alice, another message 4.');
  const a1x = envelope(alice, 1, undefined, 'alice, another first message.');
  // A branch continuing from the conflicting seq 2.
  const a3x = envelope(alice, 3, a2x, 'alice, message 3 on the other branch.');
  // seq 3 whose prev is no envelope at all.
  const a3z: Envelope = envelope(
    alice,
    3,
    { bytes: new Uint8Array(0), id: new Uint8Array(32), seq: 2, prev: undefined },
    'alice, message 3 after nothing.',
  );

  return [
    {
      comment: 'seq 1 to 5 in order',
      flags: ['InOrder'],
      steps: [1, 2, 3, 4, 5].map((seq) => [at(a, seq), ACCEPT]),
    },
    {
      comment: 'two senders interleaved on one channel: one chain each',
      flags: ['InOrder', 'SeparateChains'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(b, 1), ACCEPT],
        [at(b, 2), ACCEPT],
        [at(a, 2), ACCEPT],
        [at(b, 3), ACCEPT],
        [at(a, 3), ACCEPT],
      ],
    },
    {
      comment: 'one sender on two channels: one chain per channel',
      flags: ['InOrder', 'SeparateChains'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a2, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [at(a2, 2), ACCEPT],
        [at(a2, 3), ACCEPT],
      ],
    },
    {
      comment: 'the head again: an idempotent duplicate',
      flags: ['Duplicate'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [at(a, 2), DUPLICATE],
        [at(a, 3), ACCEPT],
      ],
    },
    {
      comment: 'an older envelope again: an idempotent duplicate',
      flags: ['Duplicate'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [at(a, 3), ACCEPT],
        [at(a, 1), DUPLICATE],
        [at(a, 2), DUPLICATE],
        [at(a, 4), ACCEPT],
      ],
    },
    {
      comment: 'seq 1 twice: a duplicate of the genesis envelope',
      flags: ['Duplicate'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 1), DUPLICATE],
      ],
    },
    {
      comment: 'seq 2 before seq 1: a gap at the start, filled afterwards',
      flags: ['Gap'],
      steps: [
        [at(a, 2), gap(1)],
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
      ],
    },
    {
      comment: 'seq 4 after seq 2: gap expecting 3; the chain still accepts 3 then 4',
      flags: ['Gap'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [at(a, 4), gap(3)],
        [at(a, 5), gap(3)],
        [at(a, 3), ACCEPT],
        [at(a, 4), ACCEPT],
        [at(a, 5), ACCEPT],
      ],
    },
    {
      comment: "a gap in one sender's chain does not affect another's",
      flags: ['Gap', 'SeparateChains'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(b, 1), ACCEPT],
        [at(a, 3), gap(2)],
        [at(b, 2), ACCEPT],
      ],
    },
    {
      comment: 'seq 3 whose prev is the id of seq 1, not of seq 2',
      flags: ['BadPrev'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [envelope(alice, 3, at(a, 1), 'alice, message 3 after 1.'), badPrev(at(a, 2))],
        [at(a, 3), ACCEPT],
      ],
    },
    {
      comment: 'seq 3 whose prev is 32 zero bytes, the id of nothing',
      flags: ['BadPrev'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [a3z, badPrev(at(a, 2))],
      ],
    },
    {
      comment: "seq 2 on channel 2 linking to alice's seq 1 on channel 1",
      flags: ['BadPrev', 'SeparateChains'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a2, 1), ACCEPT],
        [envelope(alice, 2, at(a, 1), 'alice, cross-linked.', CHANNEL_2), badPrev(at(a2, 1))],
      ],
    },
    {
      comment: 'another envelope at the head seq 2: fork with the first as evidence',
      flags: ['Fork'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [a2x, fork(1)],
        [at(a, 3), ACCEPT],
      ],
    },
    {
      comment: 'another envelope at an older seq 2 after seq 4: fork',
      flags: ['Fork'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [at(a, 3), ACCEPT],
        [at(a, 4), ACCEPT],
        [a2x, fork(1)],
        [a4x, fork(3)],
        [at(a, 5), ACCEPT],
      ],
    },
    {
      comment: 'another genesis: fork at seq 1',
      flags: ['Fork'],
      steps: [
        [at(a, 1), ACCEPT],
        [a1x, fork(0)],
      ],
    },
    {
      comment: 'the branch of a fork continues: its seq 3 does not link to the head',
      flags: ['Fork', 'BadPrev'],
      steps: [
        [at(a, 1), ACCEPT],
        [at(a, 2), ACCEPT],
        [a2x, fork(1)],
        [a3x, badPrev(at(a, 2))],
        [at(a, 3), ACCEPT],
        [a3x, fork(4)],
      ],
    },
    {
      comment: 'the first of two conflicting envelopes wins; the second is the fork',
      flags: ['Fork'],
      steps: [
        [at(a, 1), ACCEPT],
        [a2x, ACCEPT],
        [at(a, 2), fork(1)],
        [a3x, ACCEPT],
      ],
    },
  ];
}

// ---------------------------------------------------------------------------
// Generation

const NOTES: Record<string, string> = {
  InOrder: 'Envelopes arrive in order; every step is accepted.',
  SeparateChains:
    'Several chains in one sequence: chains are per (channel, sender) and never affect each other.',
  Duplicate: 'An envelope with the id of one already accepted: idempotent, nothing changes.',
  Gap: 'seq is beyond the next expected one; the step gives the expected seq. Nothing changes.',
  BadPrev:
    "seq is the next one but prev is not the id of the chain's head; the step gives the head's id. Nothing changes.",
  Fork: 'Another envelope (another id) already holds this (channel, sender, seq): proof that the sender equivocated. The step names the earlier step whose envelope is the other half of the evidence. Nothing changes.',
};

const HEADER = [
  'Test vectors for sender chains: per (channel, sender), seq runs 1, 2, 3 … and prev is the id of the previous envelope. A receiver keeps one chain per (channel, sender) and classifies each arriving envelope; only an accepted envelope becomes the chain head.',
  'Each test is a sequence of steps fed in order to fresh chains. Each step gives the envelope (hex, a genuine envelope by its sender: it opens), its id, and the verdict it must get: accept or duplicate (with seq), gap (expected: the next seq, got: the envelope seq), bad-prev (expected: the head id, got: the envelope prev, hex) or fork (seq, and existing: the index from 0 of the earlier step whose envelope the chain holds at that seq). The receiver keeps every accepted envelope, so a seq at or below the head is always a duplicate or a fork.',
  'A test is valid when every step is accepted or a duplicate; otherwise invalid, and error is the code of its first other verdict: CHAIN_GAP, CHAIN_BAD_PREV or CHAIN_FORK.',
  'Keys: secret = SHA-256("hotline test key " + name) for alice and bob; channels SHA-256("hotline test channel") and SHA-256("hotline test channel 2"); kind 3 (text).',
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

const CODE_OF: Partial<Record<ChainVerdict['verdict'], ErrorCode>> = {
  gap: 'CHAIN_GAP',
  'bad-prev': 'CHAIN_BAD_PREV',
  fork: 'CHAIN_FORK',
};

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`chain vectors: ${message}`);
}

function stepOf(envelope: Envelope, expect: Expect, steps: ChainStep[]): ChainStep {
  const base = { envelope: toHex(envelope.bytes), id: toHex(envelope.id) };
  switch (expect.verdict) {
    case 'accept':
    case 'duplicate':
      return { ...base, verdict: expect.verdict, seq: envelope.seq };
    case 'gap':
      return { ...base, verdict: 'gap', expected: expect.expected, got: envelope.seq };
    case 'bad-prev':
      assert(envelope.prev !== undefined, 'bad-prev without prev');
      return {
        ...base,
        verdict: 'bad-prev',
        expected: toHex(expect.expected.id),
        got: toHex(envelope.prev),
      };
    case 'fork': {
      const existing = steps[expect.existing];
      assert(existing !== undefined && existing.envelope !== base.envelope, 'fork evidence');
      return { ...base, verdict: 'fork', seq: envelope.seq, existing: expect.existing };
    }
  }
}

function testOf(c: Case): ChainTest {
  const steps: ChainStep[] = [];
  for (const [envelope, expect] of c.steps) steps.push(stepOf(envelope, expect, steps));
  const first = steps.map((s) => CODE_OF[s.verdict]).find((code) => code !== undefined);
  const test: ChainTest = {
    tcId: 0,
    comment: c.comment,
    flags: c.flags,
    result: first === undefined ? 'valid' : 'invalid',
    steps,
  };
  if (first !== undefined) test.error = first;
  // The generator's own expectations must hold in this implementation.
  const failure = checkChainTest(test);
  assert(failure === undefined, `${c.comment}: ${failure}`);
  return test;
}

function generate(): Record<string, unknown> {
  const tests = cases().map(testOf);
  checkNotes('chain', NOTES, tests);
  const verdicts = new Set(tests.flatMap((t) => t.steps.map((s) => s.verdict)));
  for (const verdict of ['accept', 'duplicate', 'gap', 'bad-prev', 'fork'] as const) {
    assert(verdicts.has(verdict), `no step with verdict ${verdict}`);
  }
  const covered = new Set(tests.map((t) => t.error));
  const missing = registryCodes('chain').filter((code) => !covered.has(code));
  assert(missing.length === 0, `no vector for ${missing.join(', ')}`);

  const testGroups: TestGroup<ChainTest>[] = [
    {
      type: 'ChainSequence',
      description: 'Sequences in which every envelope is accepted or a duplicate.',
      tests: tests.filter((t) => t.result === 'valid'),
    },
    {
      type: 'ChainSequence',
      description: 'Sequences with gaps, bad prev links and forks.',
      tests: tests.filter((t) => t.result === 'invalid'),
    },
  ];
  const file = finaliseFile<ChainTest>({
    $schema: '../schema/chain.schema.json',
    algorithm: 'HOTLINE-CHAIN',
    spec: 'spec/03-chains.md',
    header: HEADER,
    notes: NOTES,
    testGroups,
  });
  return { [CHAIN_FILE]: file };
}

// ---------------------------------------------------------------------------
// Checking

function describeError(error: unknown): string {
  if (error instanceof HotlineError) return error.code;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The step's expected verdict in the form ChainTracker reports it, hex for bytes. */
function expectedVerdict(step: ChainStep, steps: readonly ChainStep[]): unknown {
  switch (step.verdict) {
    case 'accept':
    case 'duplicate':
      return { verdict: step.verdict, seq: step.seq };
    case 'gap':
    case 'bad-prev':
      return { verdict: step.verdict, expected: step.expected, got: step.got };
    case 'fork':
      return {
        verdict: 'fork',
        seq: step.seq,
        existing: steps[step.existing ?? -1]?.envelope,
        conflicting: step.envelope,
      };
    default:
      return { verdict: step.verdict };
  }
}

function verdictJson(verdict: ChainVerdict): unknown {
  switch (verdict.verdict) {
    case 'bad-prev':
      return { ...verdict, expected: toHex(verdict.expected), got: toHex(verdict.got) };
    case 'fork':
      return {
        ...verdict,
        existing: toHex(verdict.existing),
        conflicting: toHex(verdict.conflicting),
      };
    default:
      return verdict;
  }
}

/** Opens every envelope and replays the steps through fresh chains; a failure or undefined. */
export function checkChainTest(test: ChainTest): string | undefined {
  const tracker = new ChainTracker();
  let firstCode: ErrorCode | undefined;
  for (const [i, step] of test.steps.entries()) {
    let opened: ReturnType<typeof openEnvelope>;
    try {
      opened = openEnvelope(fromHex(step.envelope));
    } catch (error) {
      return `step ${i}: the envelope does not open (${describeError(error)})`;
    }
    if (toHex(opened.id) !== step.id) return `step ${i}: id differs`;
    const head = tracker.chainOf(opened.fields.channel, opened.fields.sender).head;
    const verdict = tracker.append(opened);
    const got = JSON.stringify(verdictJson(verdict));
    const want = JSON.stringify(expectedVerdict(step, test.steps));
    if (got !== want) return `step ${i}: expected ${want}, got ${got}`;
    const after = tracker.chainOf(opened.fields.channel, opened.fields.sender).head;
    if (verdict.verdict !== 'accept' && after !== head) return `step ${i}: the head moved`;
    firstCode ??= CODE_OF[verdict.verdict];
  }
  const result = firstCode === undefined ? 'valid' : 'invalid';
  if (result !== test.result) return `result ${result}, file says ${test.result}`;
  if (firstCode !== test.error) return `error ${firstCode}, file says ${test.error}`;
  return undefined;
}

function check(fileName: string, content: unknown): string[] {
  if (fileName !== CHAIN_FILE) return [`unexpected file ${fileName}`];
  return checkEachTest<{ tests?: ChainTest[] }, ChainTest>(content, (_, test) =>
    checkChainTest(test),
  );
}

export const chainSuite: Suite = { name: 'chain', generate, check };
