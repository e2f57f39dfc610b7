// `hotline verify`: a transcript written to a temporary directory, checked through
// main() with captured output. Exit codes: 0 verified, 1 failed, 2 unreadable/usage.

import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTranscript, MAX_TRANSCRIPT_BYTES, type Transcript } from '@hotline/client';
import {
  channelIdOf,
  encodeCharterBody,
  encodeKeyRevokeBody,
  encodeReceipt,
  KIND,
  type MerkleRoot,
} from '@hotline/codec';
import {
  issueCheckpoint,
  MerkleLog,
  openEnvelope,
  publicKeyOf,
  signEnvelope,
} from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/exit-codes.ts';
import { type MainIo, main } from '../src/main.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const ALICE = sha256(utf8('hotline cli verify alice'));
const RELAY = sha256(utf8('hotline cli verify relay'));
const T0 = 1_764_000_000_000;

/** Alice founds a channel on one relay and says one thing; the relay commits both. */
function transcript(): { t: Transcript; text: Uint8Array } {
  const sender = publicKeyOf(ALICE);
  const relay = publicKeyOf(RELAY);
  const body = encodeCharterBody({
    members: [{ key: sender, name: 'alice' }],
    relays: [{ key: relay, url: 'wss://relay.example.org' }],
    params: { heartbeatInterval: 60_000 },
  });
  const channel = channelIdOf(body);
  const base = { channel, sender, time: T0 };
  const charter = signEnvelope({ ...base, seq: 1, kind: KIND.charter, body }, ALICE);
  const text = signEnvelope(
    { ...base, seq: 2, prev: openEnvelope(charter).id, kind: KIND.text, body: utf8('all clear') },
    ALICE,
  );
  const ids = [charter, text].map((e) => openEnvelope(e).id);
  const log = new MerkleLog();
  log.appendIds(ids);
  const checkpoint = issueCheckpoint(
    { relay, channel, size: 2, root: log.root() as MerkleRoot, time: T0 + 5 },
    RELAY,
  );
  const receipts = ids.map((id, index) =>
    encodeReceipt({ checkpoint, index, id, proof: log.inclusionProof(index) }),
  );
  const t: Transcript = {
    channel,
    charter,
    envelopes: [charter, text],
    relays: [{ relay, log: ids, checkpoints: [checkpoint], receipts, consistency: [] }],
    exportedAt: T0 + 10,
  };
  return { t, text };
}

function io(cwd: string): MainIo & { stdout: string; stderr: string } {
  const captured = {
    env: {},
    cwd,
    stdout: '',
    stderr: '',
    out: (s: string) => {
      captured.stdout += s;
    },
    err: (s: string) => {
      captured.stderr += s;
    },
  };
  return captured;
}

describe('hotline verify', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-verify-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    return name;
  };

  it('a valid transcript: one ✓ line per item, VERIFIED, exit 0', async () => {
    const file = write('good.cbor', encodeTranscript(transcript().t));
    const streams = io(dir);
    expect(await main(['verify', file], streams)).to.equal(EXIT_OK);
    const lines = streams.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('✓ charter');
    expect(lines).to.include('✓ envelope alice#2');
    expect(lines.slice(0, -1).every((l) => l.startsWith('✓ '))).to.equal(true);
    expect(lines.at(-1)).to.match(/^VERIFIED: \d+ ok, 0 failed, 0 unchecked$/);
  });

  it('--json prints one document with the verdicts and the decoded envelopes', async () => {
    const file = write('good.cbor', encodeTranscript(transcript().t));
    const streams = io(dir);
    expect(await main(['verify', file, '--json'], streams)).to.equal(EXIT_OK);
    const doc = JSON.parse(streams.stdout);
    expect(doc.ok).to.equal(true);
    expect(doc.items.length).to.be.greaterThan(4);
    expect(doc.transcript.envelopes[1]).to.include({
      senderName: 'alice',
      seq: 2,
      kindName: 'text',
    });
    // Not a text body of spec/kinds/text.md: shown as its UTF-8, with the decoder's code.
    expect(doc.transcript.envelopes[1].body).to.deep.equal({
      error: 'CBOR_TRAILING_BYTES',
      text: 'all clear',
    });
  });

  it('an envelope of a key revoked from before it: ⊘ void with KEY_REVOKED, still VERIFIED, exit 0', async () => {
    const { t, text } = transcript();
    const revoke = signEnvelope(
      {
        channel: t.channel,
        sender: publicKeyOf(ALICE),
        time: T0 + 1,
        seq: 3,
        prev: openEnvelope(text).id,
        kind: KIND['key-revoke'],
        body: encodeKeyRevokeBody({
          key: publicKeyOf(ALICE) as never,
          reason: 'compromised',
          effectiveFrom: T0,
        }),
      },
      ALICE,
    );
    const file = write(
      'void.cbor',
      encodeTranscript({ ...t, envelopes: [t.charter, text, revoke] }),
    );
    const streams = io(dir);
    expect(await main(['verify', file], streams)).to.equal(EXIT_OK);
    // The charter and alice#2 were signed at T0: both void; the revoke itself is not.
    expect(streams.stdout).to.match(/^⊘ envelope alice#2 {2}KEY_REVOKED {2}\(.*compromised/m);
    expect(streams.stdout).to.match(/^✓ envelope alice#3$/m);
    expect(streams.stdout).to.match(
      /^VERIFIED: \d+ ok, 0 failed, 0 unchecked, 2 void \(signed by a revoked key\)$/m,
    );
  });

  it('a changed signature byte: ✗ with the code, FAILED, exit 1', async () => {
    const { t, text } = transcript();
    const altered = text.slice();
    altered[altered.length - 1]! ^= 0x80;
    const file = write('bad.cbor', encodeTranscript({ ...t, envelopes: [t.charter, altered] }));
    const streams = io(dir);
    expect(await main(['verify', file], streams)).to.equal(EXIT_FAILURE);
    expect(streams.stdout).to.match(/^✗ envelope alice#2 {2}SIGNATURE_INVALID/m);
    expect(streams.stdout).to.match(/^FAILED: /m);
  });

  it('a file that is not a transcript fails with the decoder code, exit 1', async () => {
    const bytes = encodeTranscript(transcript().t);
    const streams = io(dir);
    const file = write('cut.cbor', bytes.subarray(0, bytes.length - 3));
    expect(await main(['verify', file, '--json'], streams)).to.equal(EXIT_FAILURE);
    const doc = JSON.parse(streams.stdout);
    expect(doc.items).to.have.length(1);
    expect(doc.items[0].code).to.match(/^CBOR_/);
  });

  it('a file over the size limit fails before it is read', async () => {
    const file = write('huge.cbor', new Uint8Array(0));
    truncateSync(join(dir, file), MAX_TRANSCRIPT_BYTES + 1); // sparse: nothing is written
    const streams = io(dir);
    expect(await main(['verify', file], streams)).to.equal(EXIT_FAILURE);
    expect(streams.stdout).to.include('TRANSCRIPT_TOO_LARGE');
    rmSync(join(dir, file));
  });

  it('an unreadable file or a usage error exits 2', async () => {
    const streams = io(dir);
    expect(await main(['verify', 'missing.cbor'], streams)).to.equal(EXIT_USAGE);
    expect(streams.stderr).to.include('missing.cbor');
    expect(await main(['verify', '.'], io(dir))).to.equal(EXIT_USAGE);
    expect(await main(['verify'], io(dir))).to.equal(EXIT_USAGE);
  });
});
