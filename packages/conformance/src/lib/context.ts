// What a scenario works with: keys derived from the run's random seed and the
// scenario's name (so runs and scenarios never share a key or a channel on a
// shared relay), connections that are closed when the scenario ends, and the
// founding of a fresh channel.

import {
  authStatement,
  bytesEqual,
  type ChallengeFrame,
  channelIdOf,
  concatBytes,
  encodeCharterBody,
  KIND,
  sha256,
  toHex,
} from '@hotline/codec';
import { publicKeyOf, sign } from '@hotline/signer';
import { Chain } from './chain.js';
import { Channel } from './channel.js';
import { RelayClient, SUBPROTOCOL } from './client.js';
import { expectFrame } from './expect.js';
import { ConformanceFailure, check, checkEqual } from './failure.js';
import { probeUpgrade, type UpgradeOutcome, type UpgradeRequest } from './upgrade.js';

const encoder = new TextEncoder();

export interface ScenarioContextOptions {
  readonly url: string;
  /** 32 random bytes, fresh for each run. */
  readonly seed: Uint8Array;
  readonly scenario: string;
  /** The key that signs every charter (the relay must admit it as a founder). */
  readonly founder: Uint8Array;
}

export class ScenarioContext {
  readonly url: string;
  readonly founder: Uint8Array;
  /** What the scenario is waiting for now: the detail of a timeout. */
  waitingFor = 'the scenario to start';
  readonly #seed: Uint8Array;
  readonly #scenario: string;
  readonly #clients = new Set<RelayClient>();
  readonly #aborts: (() => void)[] = [];
  #relayKey: Uint8Array | undefined;
  #ended = false;

  constructor(options: ScenarioContextOptions) {
    this.url = options.url;
    this.founder = options.founder;
    this.#seed = options.seed;
    this.#scenario = options.scenario;
  }

  readonly reportWait = (what: string): void => {
    this.waitingFor = what;
  };

  /** The secret key of `role` in this scenario of this run. */
  secret(role: string): Uint8Array {
    return sha256(concatBytes(this.#seed, encoder.encode(`${this.#scenario}\u0000${role}`)));
  }

  /** Opens a connection offering `protocols`; the challenge is left queued. */
  async open(protocols: readonly string[] = [SUBPROTOCOL]): Promise<RelayClient> {
    this.#checkRunning();
    const client = await RelayClient.open(this.url, this.reportWait, protocols);
    this.#clients.add(client);
    // A timed-out scenario that goes on opening connections must not leak them.
    if (this.#ended) await this.cleanup();
    return client;
  }

  #checkRunning(): void {
    if (this.#ended) throw new ConformanceFailure('the scenario has ended');
  }

  /**
   * Takes the challenge (§6.2): the first frame, request id 0. Its relay key must be
   * the same on every connection of the scenario.
   */
  async challenge(client: RelayClient): Promise<ChallengeFrame> {
    const challenge = expectFrame(await client.next('the challenge'), 'challenge', 0);
    if (this.#relayKey === undefined) this.#relayKey = challenge.relay;
    check(
      bytesEqual(this.#relayKey, challenge.relay),
      `the relay key changed between connections: ${toHex(this.#relayKey)} then ${toHex(challenge.relay)}`,
    );
    return challenge;
  }

  /** The relay key learned from the first challenge. */
  get relayKey(): Uint8Array {
    if (this.#relayKey === undefined) throw new Error('no challenge seen yet');
    return this.#relayKey;
  }

  /** Opens a connection and authenticates it as `secret`; checks the welcome. */
  async connect(secret: Uint8Array): Promise<RelayClient> {
    const client = await this.open();
    const challenge = await this.challenge(client);
    const key = publicKeyOf(secret);
    const requestId = client.nextRequestId();
    client.send({
      type: 'auth',
      requestId,
      client: key,
      signature: sign(authStatement(challenge.relay, challenge.nonce, key), secret),
    });
    expectFrame(await client.next('welcome'), 'welcome', requestId);
    return client;
  }

  /**
   * Founds a channel whose members are the founder and `roles`, listing the relay
   * key of the challenge with the URL under test; publishes its charter on `client`
   * (a member's connection) and expects a verifying receipt of index 0.
   */
  async found(client: RelayClient, roles: readonly string[]): Promise<Channel> {
    const relayKey = this.relayKey;
    const body = encodeCharterBody({
      members: [
        { key: publicKeyOf(this.founder), name: 'founder' },
        ...roles.map((role) => ({ key: publicKeyOf(this.secret(role)), name: role })),
      ],
      relays: [{ key: relayKey, url: this.url }],
      params: { heartbeatInterval: 60_000 },
    });
    const id = channelIdOf(body);
    const charter = new Chain(this.founder, id).next(KIND.charter, body);
    const channel = new Channel(id, body, relayKey, charter);
    const requestId = client.nextRequestId();
    const answer = await client.request(
      { type: 'publish', requestId, envelope: charter },
      'the answer to publishing the charter',
    );
    if (answer.type === 'error' && answer.code === 'CHARTER_NOT_PERMITTED') {
      throw new ConformanceFailure(
        'founding refused (CHARTER_NOT_PERMITTED): run the relay in open founding mode, or allowlist the founder key given with --founder-key',
      );
    }
    const receipt = expectFrame(answer, 'receipt', requestId);
    checkEqual(channel.verifyReceipt(receipt.receipt, charter, 'the charter'), 0, 'charter index');
    return channel;
  }

  /** A raw WebSocket upgrade (see probeUpgrade), aborted at clean-up. */
  probe(offer: UpgradeRequest): Promise<UpgradeOutcome> {
    this.#checkRunning();
    return probeUpgrade(this.url, offer, this.reportWait, (abort) => this.#aborts.push(abort));
  }

  /** Closes every connection the scenario opened; never throws. */
  async cleanup(): Promise<void> {
    this.#ended = true;
    for (const abort of this.#aborts.splice(0)) abort();
    const clients = [...this.#clients];
    this.#clients.clear();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}
