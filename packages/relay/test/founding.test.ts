// A channel exists from the commit of its charter on (spec/08-channels.md §6.1):
// until then the relay serves nothing of it to anyone but the founding publish, and
// a founding whose commit fails leaves no channel behind. Also: the frame size is the
// protocol's, not a relay option; and the relay times its part of each receipt.

import type { Frame } from '@hotline/codec';
import { expect } from 'chai';
import { TestClient } from './_client.js';
import { ALICE, BOB, Chain, foundedChain, startTestRelay, type TestRelay } from './_fixture.js';
import { GatedStore } from './_gated-store.js';

let nextId = 1;
const codeOf = (frame: Frame) => (frame.type === 'error' ? frame.code : frame.type);

describe('relay: founding a channel', () => {
  let t: TestRelay;
  let store: GatedStore;
  beforeEach(async () => {
    store = new GatedStore();
    t = await startTestRelay({ store });
  });
  afterEach(() => t.stop());

  it('serves nothing of the channel before its charter is committed: CHANNEL_UNKNOWN, connection open', async () => {
    const { chain, channel } = foundedChain();
    const alice = await TestClient.connect(t.relay.url, ALICE);
    const bob = await TestClient.connect(t.relay.url, BOB);
    const commits = store.commits.hold();
    const founding = alice.request({
      type: 'publish',
      requestId: nextId++,
      envelope: chain.envelopes[0]!,
    });
    await commits.reached;
    const ask = (frame: Frame) => bob.request(frame).then(codeOf);
    expect(
      await ask({ type: 'subscribe', requestId: nextId++, channel: channel as never, cursor: 0 }),
    ).to.equal('CHANNEL_UNKNOWN');
    expect(
      await ask({ type: 'checkpoint-request', requestId: nextId++, channel: channel as never }),
    ).to.equal('CHANNEL_UNKNOWN');
    const bobs = new Chain(BOB, channel).next();
    expect(await ask({ type: 'publish', requestId: nextId++, envelope: bobs })).to.equal(
      'CHANNEL_UNKNOWN',
    );
    expect(bob.closed).to.equal(undefined);
    commits.release();
    expect(codeOf(await founding)).to.equal('receipt');
    expect(
      await ask({ type: 'checkpoint-request', requestId: nextId++, channel: channel as never }),
    ).to.equal('checkpoint');
    expect(await ask({ type: 'publish', requestId: nextId++, envelope: bobs })).to.equal('receipt');
    await Promise.all([alice.close(), bob.close()]);
  });

  it('a founding whose commit fails leaves no channel; the charter published again founds it', async () => {
    const { chain } = foundedChain();
    const text = chain.next();
    const alice = await TestClient.connect(t.relay.url, ALICE);
    store.failNextCommit();
    const failed = await alice.request({
      type: 'publish',
      requestId: nextId++,
      envelope: chain.envelopes[0]!,
    });
    expect(codeOf(failed)).to.equal('RELAY_UNAVAILABLE');
    // Not index 0 of a channel without a charter: there is no channel.
    const early = await alice.request({ type: 'publish', requestId: nextId++, envelope: text });
    expect(codeOf(early)).to.equal('CHANNEL_UNKNOWN');
    const again = await alice.request({
      type: 'publish',
      requestId: nextId++,
      envelope: chain.envelopes[0]!,
    });
    expect(codeOf(again)).to.equal('receipt');
    const next = await alice.request({ type: 'publish', requestId: nextId++, envelope: text });
    expect(codeOf(next)).to.equal('receipt');
    await alice.close();
  });
});

describe('relay: options', () => {
  it('refuses a maxFrameBytes other than the protocol’s MAX_FRAME_BYTES (RangeError)', async () => {
    let error: unknown;
    await startTestRelay({ limits: { maxFrameBytes: 1024 } }).catch((e: unknown) => {
      error = e;
    });
    expect(error).to.be.instanceOf(RangeError);
    expect(String(error)).to.include('70656');
  });
});

describe('relay: metrics', () => {
  it('times each receipted publish in hotline_publish_seconds; a refused publish is not counted', async () => {
    const t = await startTestRelay();
    try {
      const { chain } = foundedChain();
      const alice = await TestClient.connect(t.relay.url, ALICE);
      const answers = [];
      for (const envelope of [chain.envelopes[0]!, chain.next(), chain.next()]) {
        answers.push(await alice.request({ type: 'publish', requestId: nextId++, envelope }));
      }
      // Published again: a duplicate's answer is a receipt too.
      answers.push(
        await alice.request({
          type: 'publish',
          requestId: nextId++,
          envelope: chain.envelopes[1]!,
        }),
      );
      const gap = new Chain(ALICE, chain.channel);
      for (let i = 0; i < 5; i++) gap.next();
      answers.push(
        await alice.request({ type: 'publish', requestId: nextId++, envelope: gap.next() }),
      );
      expect(answers.map(codeOf)).to.deep.equal([
        'receipt',
        'receipt',
        'receipt',
        'receipt',
        'CHAIN_GAP',
      ]);
      const metrics =
        await t.relay.metrics.registry.getSingleMetricAsString('hotline_publish_seconds');
      expect(metrics).to.match(/^hotline_publish_seconds_count 4$/m);
      expect(metrics).to.match(/^hotline_publish_seconds_bucket\{le="\+Inf"\} 4$/m);
      await alice.close();
    } finally {
      await t.stop();
    }
  });
});
