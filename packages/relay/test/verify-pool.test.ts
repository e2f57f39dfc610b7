// The verify pool (src/verify-pool.ts): the same verdicts as inline verify, promises
// settled in call order across workers, a crashed worker replaced (its requests
// reject, never resolve false), a clean shutdown. Ends with publishes through a relay
// that verifies in a pool.

import { readFileSync } from 'node:fs';
import { fromHex } from '@hotline/codec';
import { publicKeyOf, sign, verify } from '@hotline/signer';
import { expect } from 'chai';
import { VerifyPool } from '../src/verify-pool.js';
import { TestClient } from './_client.js';
import { ALICE, foundedChain, startTestRelay } from './_fixture.js';

interface Vector {
  tcId: number;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid';
}
interface VectorFile {
  testGroups: { publicKey: string; tests: Vector[] }[];
}

const vectorFile = JSON.parse(
  readFileSync(
    new URL('../../../test-vectors/signature/ed25519_hotline.json', import.meta.url),
    'utf8',
  ),
) as VectorFile;
const vectors = vectorFile.testGroups.flatMap((group) =>
  group.tests.map((test) => ({
    ...test,
    publicKey: fromHex(group.publicKey),
    message: fromHex(test.msg),
    signature: fromHex(test.sig),
  })),
);

const KEY = publicKeyOf(ALICE);

/** n messages signed by ALICE; every third signature has one bit flipped. */
function mixed(n: number): { message: Uint8Array; signature: Uint8Array; valid: boolean }[] {
  return Array.from({ length: n }, (_, i) => {
    const message = new TextEncoder().encode(`message ${i}`);
    const signature = sign(message, ALICE);
    const valid = i % 3 !== 0;
    if (!valid) signature[i % 64]! ^= 1 << (i % 8);
    return { message, signature, valid };
  });
}

/** Resolves after the pool's batching turn (it dispatches on setImmediate). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('VerifyPool', () => {
  let pool: VerifyPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('agrees with inline verify on every signature vector (small-order keys, flipped bits, lengths)', async () => {
    expect(vectors.length).to.be.greaterThan(50);
    const flags = new Set(vectors.flatMap((v) => v.flags));
    for (const flag of ['Valid', 'SmallOrderKey', 'ModifiedSignature', 'SignatureLength']) {
      expect(flags, flag).to.include(flag);
    }
    pool = new VerifyPool({ size: 2, maxBatch: 8, inlineWhenIdle: false });
    const results = await Promise.all(
      vectors.map((v) => pool!.verify(v.signature, v.message, v.publicKey)),
    );
    vectors.forEach((v, i) => {
      const inline = verify(v.signature, v.message, v.publicKey);
      expect(results[i], `tcId ${v.tcId}`).to.equal(inline);
      expect(results[i], `tcId ${v.tcId}`).to.equal(v.result === 'valid');
    });
  });

  it('settles promises in call order across workers, with the right verdicts', async () => {
    // Small batches over two workers: answers arrive out of order, settling must not.
    pool = new VerifyPool({ size: 2, maxBatch: 5, inlineWhenIdle: false });
    const cases = mixed(300);
    // A wrong-length signature is decided at once, yet still settles in its turn.
    cases.splice(150, 0, {
      message: new Uint8Array(1),
      signature: new Uint8Array(63),
      valid: false,
    });
    const settled: number[] = [];
    const results = await Promise.all(
      cases.map((c, i) =>
        pool!.verify(c.signature, c.message, KEY).then((valid) => {
          settled.push(i);
          return valid;
        }),
      ),
    );
    expect(settled).to.deep.equal(cases.map((_, i) => i));
    expect(results).to.deep.equal(cases.map((c) => c.valid));
  });

  it('replaces a worker that dies; its requests reject, later ones resolve', async () => {
    const errors: unknown[] = [];
    // One batch of 400 (~30 ms of verifying) is in the worker when it is killed.
    pool = new VerifyPool({
      size: 1,
      maxBatch: 400,
      inlineWhenIdle: false,
      onWorkerError: (e) => errors.push(e),
    });
    const cases = mixed(400);
    const outcomes = cases.map((c) =>
      pool!.verify(c.signature, c.message, KEY).then(
        (valid) => ({ valid }),
        (error: unknown) => ({ error }),
      ),
    );
    await nextTurn(); // the batch is posted
    const victim = pool.workers[0]!;
    await victim.terminate();
    const before = await Promise.all(outcomes);
    const rejected = before.filter((o) => 'error' in o);
    expect(rejected.length, 'requests held by the dead worker').to.be.greaterThan(0);
    for (const [i, outcome] of before.entries()) {
      // Never a wrong verdict: either the right answer or a rejection.
      if ('valid' in outcome) expect(outcome.valid).to.equal(cases[i]!.valid);
      else expect(outcome.error).to.be.instanceOf(Error);
    }
    expect(errors).to.have.length.greaterThan(0);

    expect(pool.workers).to.have.length(1);
    expect(pool.workers[0]).to.not.equal(victim);
    const later = mixed(30);
    const results = await Promise.all(later.map((c) => pool!.verify(c.signature, c.message, KEY)));
    expect(results).to.deep.equal(later.map((c) => c.valid));
  });

  it('rejects beyond maxQueued, and after close; close stops every worker', async () => {
    pool = new VerifyPool({ size: 1, maxQueued: 2, inlineWhenIdle: false });
    const [a, b, c] = mixed(3);
    const first = pool.verify(a!.signature, a!.message, KEY);
    const second = pool.verify(b!.signature, b!.message, KEY);
    let error: unknown;
    await pool.verify(c!.signature, c!.message, KEY).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
    expect(await first).to.equal(false); // mixed(): index 0 is tampered
    expect(await second).to.equal(true);

    const pending = pool.verify(b!.signature, b!.message, KEY).catch((e: unknown) => e);
    await pool.close();
    expect(await pending).to.be.instanceOf(Error);
    expect(pool.workers).to.have.length(0);
    error = undefined;
    await pool.verify(b!.signature, b!.message, KEY).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
  });

  it('verifies on the calling thread only while nothing is outstanding, up to the cap per turn', async () => {
    pool = new VerifyPool({ size: 1, maxInlinePerTurn: 3 });
    const cases = mixed(10);
    const results = await Promise.all(cases.map((c) => pool!.verify(c.signature, c.message, KEY)));
    expect(results).to.deep.equal(cases.map((c) => c.valid));
    // Three found nothing outstanding within the turn's cap; the seven after went to the worker.
    expect(pool.counts).to.deep.equal({ inline: 3, worker: 7 });
    // A later turn with nothing outstanding: inline again.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await pool.verify(cases[1]!.signature, cases[1]!.message, KEY)).to.equal(true);
    expect(pool.counts).to.deep.equal({ inline: 4, worker: 7 });
  });

  it('keeps call order when inline requests follow worker ones', async () => {
    pool = new VerifyPool({ size: 1, maxInlinePerTurn: 1 });
    const cases = mixed(6);
    const settled: number[] = [];
    const promises = cases.map((c, i) =>
      pool!.verify(c.signature, c.message, KEY).then((valid) => {
        settled.push(i);
        return valid;
      }),
    );
    expect(await Promise.all(promises)).to.deep.equal(cases.map((c) => c.valid));
    expect(settled).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('ready() resolves once every worker has answered, and the pool verifies after it', async () => {
    pool = new VerifyPool({ size: 2 });
    await pool.ready();
    expect(pool.queued).to.equal(0);
    expect(pool.counts).to.deep.equal({ inline: 0, worker: 0 }); // the warm-up is not counted
    const [valid] = mixed(2).filter((c) => c.valid);
    expect(await pool.verify(valid!.signature, valid!.message, KEY)).to.equal(true);
  });

  it('ready() rejects when the workers cannot start', async () => {
    pool = new VerifyPool({ size: 1 });
    const ready = pool.ready().then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await pool.close();
    expect(await ready).to.be.instanceOf(Error);
  });

  it('throws TypeError for arguments that are not byte arrays', () => {
    pool = new VerifyPool({ size: 1 });
    const bytes = new Uint8Array(32);
    expect(() => pool!.verify('x' as never, bytes, bytes)).to.throw(TypeError);
    expect(() => pool!.verify(bytes, bytes, null as never)).to.throw(TypeError);
    expect(() => new VerifyPool({ size: 0 })).to.throw(RangeError);
  });
});

describe('relay with verifyWorkers', () => {
  it('publishes a pipelined chain through the pool and refuses a forged signature', async () => {
    const t = await startTestRelay({ verifyWorkers: 2 });
    try {
      const { chain } = foundedChain();
      for (let i = 0; i < 40; i++) chain.next();
      const forged = chain.next().slice();
      forged[forged.length - 1]! ^= 1;
      const alice = await TestClient.connect(t.relay.url, ALICE);
      // All at once: a chain step out of arrival order would be a CHAIN_GAP.
      // The charter first: until its chain step the channel is unknown to later publishes.
      const charter = chain.envelopes[0]!;
      expect(
        (await alice.request({ type: 'publish', requestId: 999, envelope: charter })).type,
      ).to.equal('receipt');
      const envelopes = [...chain.envelopes.slice(1, -1), forged];
      envelopes.forEach((envelope, i) => {
        alice.send({ type: 'publish', requestId: 1000 + i, envelope });
      });
      const answers = [];
      for (const _ of envelopes) answers.push((await alice.next())!);
      expect(answers.map((a) => a.requestId)).to.deep.equal(envelopes.map((_, i) => 1000 + i));
      expect(answers.slice(0, -1).map((a) => (a.type === 'error' ? a.code : a.type))).to.deep.equal(
        answers.slice(0, -1).map(() => 'receipt'),
      );
      const last = answers.at(-1)!;
      expect(last.type === 'error' && last.code).to.equal('SIGNATURE_INVALID');
      await alice.close();
    } finally {
      await t.stop();
    }
  });
});
