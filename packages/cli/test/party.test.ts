// A party's commands end to end, in process, against a real relay on loopback:
// keygen, channel create/join/list, send, listen, export, verify — and the demo.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '@hotline/codec';
import { MemoryRelayStore, openSqliteStore, type Relay, startRelay } from '@hotline/relay';
import { generateSecretKey, publicKeyOf } from '@hotline/signer';
import { expect } from 'chai';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/exit-codes.ts';
import { main } from '../src/main.ts';
import { capturedIo } from './_io.ts';

/** The JSON documents of `--json` output, one per line. */
function jsonLines(
  out: string,
): ({ kind?: string; body?: { authoritative: { text: string } } } & Record<string, unknown>)[] {
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('hotline party commands', function () {
  this.timeout(30_000);
  let dir: string;
  let relay: Relay;
  const relaySecret = generateSecretKey();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-party-'));
    relay = await startRelay({
      secretKey: relaySecret,
      store: new MemoryRelayStore(),
      founders: { mode: 'open' },
      port: 0,
      verifyWorkers: 0,
    });
  });
  afterEach(async () => {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `hotline …` with the data directory of `who`; returns the exit code and output. */
  async function hotline(who: string, ...argv: string[]) {
    const io = capturedIo({ cwd: dir, env: { HOTLINE_DATA_DIR: join(dir, who) } });
    const code = await main(argv, io);
    return { code, out: io.stdout, err: io.stderr };
  }

  async function keyOf(who: string): Promise<string> {
    const { code, out } = await hotline(who, 'keygen', '--unencrypted', '--json');
    expect(code).to.equal(EXIT_OK);
    return (JSON.parse(out) as { publicKey: string }).publicKey;
  }

  it('two desks: found, join, send, listen, export and verify', async () => {
    await keyOf('alpha');
    const bravo = await keyOf('bravo');
    const relayKey = toHex(publicKeyOf(relaySecret));
    const created = await hotline(
      'alpha',
      'channel',
      'create',
      '--name',
      'Alpha desk',
      '--member',
      `Bravo desk=${bravo}`,
      '--relay',
      `${relayKey}@${relay.url}`,
      '--out',
      'ch.charter',
      '--json',
    );
    expect(created.code, created.err).to.equal(EXIT_OK);
    const { channel } = JSON.parse(created.out) as { channel: string };

    const joined = await hotline('bravo', 'channel', 'join', 'ch.charter', '--json');
    expect(joined.code, joined.err).to.equal(EXIT_OK);
    expect(JSON.parse(joined.out)).to.include({ channel, member: true });
    const listed = await hotline('bravo', 'channel', 'list', '--json');
    expect(JSON.parse(listed.out).channels[0].channel).to.equal(channel);

    const sent = await hotline(
      'alpha',
      'send',
      channel.slice(0, 12),
      '--text',
      'Exercise K-7 at 06:00 UTC',
      '--precedence',
      'priority',
      '--json',
    );
    expect(sent.code, sent.err).to.equal(EXIT_OK);
    expect(JSON.parse(sent.out)).to.include({ seq: 2, receipted: 1, relays: 1 });

    const heard = await hotline(
      'bravo',
      'listen',
      channel,
      '--count',
      '1',
      '--timeout',
      '20000',
      '--json',
    );
    expect(heard.code, heard.err).to.equal(EXIT_OK);
    const message = jsonLines(heard.out).find((line) => line.kind === 'text')!;
    expect(message).to.include({
      senderName: 'Alpha desk',
      seq: 2,
      kind: 'text',
      precedence: 'priority',
    });
    expect(message.body).to.deep.equal({
      authoritative: { language: 'en', text: 'Exercise K-7 at 06:00 UTC' },
    });

    const exported = await hotline(
      'bravo',
      'export',
      channel,
      '--out',
      'bravo.transcript',
      '--json',
    );
    expect(exported.code, exported.err).to.equal(EXIT_OK);
    const summary = JSON.parse(exported.out);
    expect(summary.relays).to.equal(1);
    // The charter, the text, and what bravo's listen signed: its ack and its heartbeat.
    expect(summary.envelopes).to.be.at.least(3);
    const verified = await hotline('bravo', 'verify', 'bravo.transcript');
    expect(verified.code, verified.out).to.equal(EXIT_OK);
  });

  it('usage errors: unknown channel, both bodies, a charter kind, a bad member key', async () => {
    await keyOf('alpha');
    const unknown = await hotline('alpha', 'send', 'abcdef0123', '--text', 'x');
    expect(unknown.code).to.equal(EXIT_USAGE);
    expect(
      (await hotline('alpha', 'send', 'abcdef0123', '--text', 'x', '--body-file', 'f')).code,
    ).to.equal(EXIT_USAGE);
    expect(
      (await hotline('alpha', 'send', 'abcdef0123', '--text', 'x', '--kind', 'charter')).code,
    ).to.equal(EXIT_USAGE);
    const badMember = await hotline(
      'alpha',
      'channel',
      'create',
      '--name',
      'A',
      '--member',
      'B=12',
      '--relay',
      `${'0'.repeat(64)}@${relay.url}`,
    );
    expect(badMember.code).to.equal(EXIT_USAGE);
  });

  it('send exits 1 when no relay receipts in time, and the next listen delivers it', async () => {
    await keyOf('alpha');
    const bravo = await keyOf('bravo');
    const relayKey = toHex(publicKeyOf(relaySecret));
    // This test's relay keeps its log in a file, so that it survives the restart.
    await relay.close();
    const storeFile = join(dir, 'relay.sqlite');
    relay = await startRelay({
      secretKey: relaySecret,
      store: openSqliteStore(storeFile),
      founders: { mode: 'open' },
      port: 0,
      verifyWorkers: 0,
    });
    const port = relay.address.port;
    const created2 = await hotline(
      'alpha',
      'channel',
      'create',
      '--name',
      'A',
      '--member',
      `B=${bravo}`,
      '--relay',
      `${relayKey}@ws://127.0.0.1:${port}`,
      '--out',
      'ch2.charter',
      '--json',
    );
    expect(created2.code, created2.err).to.equal(EXIT_OK);
    const second = (JSON.parse(created2.out) as { channel: string }).channel;
    await relay.close();
    const queued = await hotline(
      'alpha',
      'send',
      second,
      '--text',
      'while down',
      '--timeout',
      '300',
    );
    expect(queued.code).to.equal(EXIT_FAILURE);
    expect(queued.err).to.include('outbox');
    relay = await startRelay({
      secretKey: relaySecret,
      store: openSqliteStore(storeFile),
      founders: { mode: 'open' },
      port,
      verifyWorkers: 0,
    });
    // alpha's next listen re-sends the queued envelope from its outbox; bravo hears it.
    const flush = hotline('alpha', 'listen', second, '--timeout', '3000');
    await hotline('bravo', 'channel', 'join', 'ch2.charter');
    const heard = await hotline(
      'bravo',
      'listen',
      second,
      '--count',
      '1',
      '--timeout',
      '20000',
      '--json',
    );
    expect(heard.code, heard.err).to.equal(EXIT_OK);
    const first = jsonLines(heard.out).find((line) => line.kind === 'text')!;
    expect(first.body?.authoritative.text).to.equal('while down');
    await flush;
  });
});

describe('hotline demo', function () {
  this.timeout(60_000);
  it('runs the scripted tour: nothing lost across a SIGKILL, both transcripts verify', async () => {
    const io = capturedIo({ cwd: tmpdir() });
    const code = await main(['demo', '--json'], io);
    expect(code, io.stderr).to.equal(EXIT_OK);
    const result = JSON.parse(io.stdout) as {
      ok: boolean;
      sent: number;
      received: number;
      alarms: number;
      peerSilent: number;
      relayEquivocation: number;
      overdue: number;
      heartbeats: number;
      measure: string;
      transcripts: { failed: number }[];
    };
    expect(result).to.include({ ok: true, alarms: 0, peerSilent: 1, measure: 'suspended' });
    expect(result.overdue).to.be.greaterThan(0); // the flash text nobody marked understood
    expect(result.heartbeats).to.be.greaterThan(0);
    expect(result.relayEquivocation).to.be.greaterThan(0); // the lying relay, caught by heartbeats
    expect(result.received).to.be.at.least(result.sent);
    expect(result.transcripts.map((entry) => entry.failed)).to.deep.equal([0, 0]);
  });
});
