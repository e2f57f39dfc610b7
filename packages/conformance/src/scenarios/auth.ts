// Connection and authentication (spec/07-relay.md §2, §6): the challenge, the auth
// statement bound to this relay and this connection, nothing before auth, one
// identity per connection, the subprotocol.

import { authStatement, bytesEqual, LIMITS } from '@hotline/codec';
import { publicKeyOf, sign } from '@hotline/signer';
import type { ScenarioContext } from '../lib/context.js';
import { expectErrorThenClose, expectFrame } from '../lib/expect.js';
import { check, checkEqual } from '../lib/failure.js';
import type { UpgradeOutcome } from '../lib/upgrade.js';
import type { Scenario } from '../scenario.js';

/** §2: refused with HTTP 400, or upgraded without a subprotocol and closed with 1002. */
function checkRefused(outcome: UpgradeOutcome): void {
  if (!outcome.upgraded) {
    checkEqual(outcome.status, 400, 'HTTP status of the refused upgrade');
    return;
  }
  const selected = outcome.headers['sec-websocket-protocol'];
  check(
    selected === undefined,
    `the relay selected subprotocol "${selected}", which was not offered`,
  );
  check(
    outcome.closeCode === 1002,
    outcome.closeCode === undefined
      ? 'upgraded, then the socket ended without a close frame (expected HTTP 400 or close 1002)'
      : `upgraded, then closed with ${outcome.closeCode} (expected HTTP 400 or close 1002)`,
  );
}

export const authScenarios: readonly Scenario[] = [
  {
    name: 'auth: a valid auth is answered by welcome',
    async run(ctx: ScenarioContext) {
      const client = await ctx.open();
      const challenge = await ctx.challenge(client);
      const secret = ctx.secret('alice');
      const key = publicKeyOf(secret);
      client.send({
        type: 'auth',
        requestId: 1,
        client: key,
        signature: sign(authStatement(challenge.relay, challenge.nonce, key), secret),
      });
      const welcome = expectFrame(await client.next('welcome'), 'welcome', 1);
      checkEqual(welcome.maxFrameBytes, LIMITS.MAX_FRAME_BYTES, 'welcome maxFrameBytes');
      check(welcome.maxSubscriptions >= 1, 'welcome maxSubscriptions is 0');
      check(welcome.publishRate >= 1, 'welcome publishRate is 0');
    },
  },
  {
    name: 'auth: a signature over another relay key is AUTH_FAILED, close 1008',
    async run(ctx) {
      const client = await ctx.open();
      const challenge = await ctx.challenge(client);
      const secret = ctx.secret('alice');
      const key = publicKeyOf(secret);
      const otherRelay = publicKeyOf(ctx.secret('another relay'));
      client.send({
        type: 'auth',
        requestId: 1,
        client: key,
        signature: sign(authStatement(otherRelay, challenge.nonce, key), secret),
      });
      await expectErrorThenClose(client, 'AUTH_FAILED', 1008, 1);
    },
  },
  {
    name: "auth: a signature over another connection's nonce (replay) is AUTH_FAILED, close 1008",
    async run(ctx) {
      const first = await ctx.open();
      const firstChallenge = await ctx.challenge(first);
      const second = await ctx.open();
      const secondChallenge = await ctx.challenge(second);
      check(
        !bytesEqual(firstChallenge.nonce, secondChallenge.nonce),
        'two connections got the same nonce (it must be fresh per connection)',
      );
      const secret = ctx.secret('alice');
      const key = publicKeyOf(secret);
      const signature = sign(
        authStatement(firstChallenge.relay, firstChallenge.nonce, key),
        secret,
      );
      second.send({ type: 'auth', requestId: 1, client: key, signature });
      await expectErrorThenClose(second, 'AUTH_FAILED', 1008, 1);
      // The same signature on the connection it was made for is good: the refusal
      // above was for the nonce, not for the signature.
      first.send({ type: 'auth', requestId: 1, client: key, signature });
      expectFrame(await first.next('welcome on the original connection'), 'welcome', 1);
    },
  },
  {
    name: 'auth: a frame before auth is AUTH_REQUIRED, close 1008',
    async run(ctx) {
      const client = await ctx.open();
      await ctx.challenge(client);
      client.send({
        type: 'checkpoint-request',
        requestId: 1,
        channel: ctx.secret('some channel') as never,
      });
      await expectErrorThenClose(client, 'AUTH_REQUIRED', 1008);
    },
  },
  {
    name: 'auth: a second auth after welcome is FRAME_UNEXPECTED, close 1002',
    async run(ctx) {
      const secret = ctx.secret('alice');
      const client = await ctx.connect(secret);
      // Sign for a fresh (unknown) nonce: whatever the signature, a second auth is refused.
      const key = publicKeyOf(secret);
      client.send({
        type: 'auth',
        requestId: client.nextRequestId(),
        client: key,
        signature: sign(authStatement(ctx.relayKey, new Uint8Array(32), key), secret),
      });
      await expectErrorThenClose(client, 'FRAME_UNEXPECTED', 1002);
    },
  },
  {
    name: 'auth: an upgrade without the subprotocol is refused (HTTP 400) or closed 1002',
    async run(ctx) {
      checkRefused(await ctx.probe({}));
    },
  },
  {
    name: 'auth: an upgrade offering only another subprotocol is refused (HTTP 400) or closed 1002',
    async run(ctx) {
      checkRefused(await ctx.probe({ protocol: 'hotline.v9.9' }));
    },
  },
];
