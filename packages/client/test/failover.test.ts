// Two real relays, one of them SIGKILLed in the middle of an exchange and later
// restarted: the application loses nothing and sees nothing twice, and the
// restarted relay is caught up from the outbox.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KIND, toHex } from '@hotline/codec';
import { publicKeyOf } from '@hotline/signer';
import { expect } from 'chai';
import type { MessageEvent } from '../src/index.js';
import {
  ALICE,
  BOB,
  clientOf,
  RELAY_1,
  RELAY_2,
  startTestRelay,
  text,
  untext,
} from './_fixture.js';

const CHILD = fileURLToPath(new URL('./_child-relay.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function spawnRelay(
  dir: string,
  port: number,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, dir, toHex(RELAY_1), String(port)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const [line] = await new Promise<string[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`child relay exited ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (first) => resolve([first]));
  });
  return { child, url: (JSON.parse(line!) as { url: string }).url };
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('two relays, one killed mid-exchange', function () {
  this.timeout(30_000);
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('delivers every message once, in order, through the survivor; the restarted relay catches up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-failover-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    let killed = await spawnRelay(dir, port);
    cleanup.push(() => kill(killed.child));
    const survivor = await startTestRelay(RELAY_2);
    cleanup.push(() => survivor.relay.close());

    const alice = clientOf(ALICE);
    const bob = clientOf(BOB);
    cleanup.push(
      () => alice.close(),
      () => bob.close(),
    );
    const channel = alice.found({
      members: [
        { key: publicKeyOf(ALICE), name: 'Alice' },
        { key: publicKeyOf(BOB), name: 'Bob' },
      ],
      relays: [
        { key: publicKeyOf(RELAY_1), url: killed.url },
        { key: publicKeyOf(RELAY_2), url: survivor.url },
      ],
      params: { heartbeatInterval: 60_000 },
    });
    bob.join(channel.charterEnvelope);

    const TOTAL = 30;
    const got: MessageEvent[] = [];
    const allArrived = new Promise<void>((resolve) => {
      bob.on('message', (event) => {
        got.push(event);
        if (got.length === TOTAL) resolve();
      });
    });
    const ids: Uint8Array[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const sent = alice.send(channel.channel, { kind: KIND.text, body: text(`m${i}`) });
      ids.push(sent.id);
      if (i === 9) {
        await alice.receipted(sent.id, 2); // both relays have the first ten
        await kill(killed.child); // no close handshake, no flush
      }
    }
    await allArrived;
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal(
      Array.from({ length: TOTAL }, (_, i) => `m${i}`),
    );
    expect(new Set(got.map((event) => toHex(event.envelope.id))).size).to.equal(TOTAL);
    await alice.receipted(ids.at(-1)!, 1);

    // Back on the same port and data: the outbox brings it up to date.
    killed = await spawnRelay(dir, port);
    await alice.receipted(ids.at(-1)!, 2);
    for (const id of ids) expect(alice.store.receiptRelays(id)).to.have.length(2);
    expect(got).to.have.length(TOTAL); // still nothing twice
  });
});
