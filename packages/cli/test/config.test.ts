// The relay configuration: precedence flags > env > file > defaults, and the
// validation of every value (ConfigError codes, never messages).

import { DEFAULT_LIMITS } from '@hotline/relay';
import { expect } from 'chai';
import { loadRelayConfig } from '../src/config.ts';
import { ConfigError, type ConfigErrorCode } from '../src/config-error.ts';
import { CONFIG_KEYS, envOf, flagOf, LIMIT_SETTINGS } from '../src/settings.ts';

// Any valid keys do: the public key of the all-zero seed, and RFC 8032 §7.1 TEST 1's.
const KEY_A = '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29';
const KEY_B = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
/** A small-order point (order 4): well-formed hex, but no signature can verify. */
const SMALL_ORDER = '0000000000000000000000000000000000000000000000000000000000000080';

function load(
  flags: Record<string, string> = {},
  env: Record<string, string> = {},
  file?: unknown,
) {
  return loadRelayConfig({
    flags: file === undefined ? flags : { config: 'relay.json', ...flags },
    env,
    cwd: '/srv/hotline',
    readFile: (path) => {
      expect(path).to.equal('/srv/hotline/relay.json');
      return typeof file === 'string' ? file : JSON.stringify(file);
    },
  });
}

function codeOf(run: () => unknown): ConfigErrorCode | undefined {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).code;
  }
  return undefined;
}

describe('relay config', () => {
  it('defaults: 127.0.0.1:7400, ./.hotline, nobody may found, info, the relay limits', () => {
    const config = load();
    expect(config.host).to.equal('127.0.0.1');
    expect(config.port).to.equal(7400);
    expect(config.dataDir).to.equal('/srv/hotline/.hotline');
    expect(config.founders).to.deep.equal({ mode: 'allowlist', keys: [] });
    expect(config.logLevel).to.equal('info');
    expect(config.verifyWorkers).to.equal(undefined);
    expect(config.threadedStore).to.equal(false);
    const { maxFrameBytes: _fixed, ...operatorDefaults } = DEFAULT_LIMITS;
    expect(config.limits).to.deep.equal(operatorDefaults);
    expect(config.configFile).to.equal(undefined);
  });

  it('flags beat env, env beats the file, the file beats defaults — setting by setting', () => {
    const config = load(
      { port: '7001' },
      { HOTLINE_PORT: '7002', HOTLINE_HOST: '0.0.0.0', HOTLINE_MAX_CONNECTIONS: '10' },
      { port: 7003, host: '::1', logLevel: 'debug', maxConnections: 20, senderRate: 5 },
    );
    expect(config.port).to.equal(7001);
    expect(config.host).to.equal('0.0.0.0');
    expect(config.logLevel).to.equal('debug');
    expect(config.limits.maxConnections).to.equal(10);
    expect(config.limits.senderRate).to.equal(5);
    expect(config.limits.senderBurst).to.equal(DEFAULT_LIMITS.senderBurst);
    expect(config.sources).to.include({
      port: 'flag',
      host: 'env',
      logLevel: 'file',
      maxConnections: 'env',
      senderRate: 'file',
      senderBurst: 'default',
    });
  });

  it('an empty environment variable counts as unset', () => {
    expect(load({}, { HOTLINE_PORT: '' }, { port: 7003 }).port).to.equal(7003);
  });

  it('the config file path comes from --config or HOTLINE_CONFIG', () => {
    const config = loadRelayConfig({
      flags: {},
      env: { HOTLINE_CONFIG: 'relay.json' },
      cwd: '/srv/hotline',
      readFile: () => '{"port": 7100}',
    });
    expect(config.port).to.equal(7100);
    expect(config.configFile).to.equal('/srv/hotline/relay.json');
  });

  it('dataDir resolves against the working directory, or the config file directory', () => {
    expect(load({ dataDir: 'data' }).dataDir).to.equal('/srv/hotline/data');
    expect(load({}, { HOTLINE_DATA_DIR: '/var/lib/hotline' }).dataDir).to.equal('/var/lib/hotline');
    const fromFile = loadRelayConfig({
      flags: { config: 'etc/relay.json' },
      env: {},
      cwd: '/srv/hotline',
      readFile: () => '{"dataDir": "../state"}',
    });
    expect(fromFile.dataDir).to.equal('/srv/hotline/state');
  });

  it('founders: open, a comma-separated list (deduplicated, any case), or a JSON array', () => {
    expect(load({ founders: 'open' }).founders).to.deep.equal({ mode: 'open' });
    const listed = load({ founders: `${KEY_A}, ${KEY_B.toUpperCase()},${KEY_A}` }).founders;
    expect(listed.mode).to.equal('allowlist');
    expect(
      listed.mode === 'allowlist' && listed.keys.map((k) => Buffer.from(k).toString('hex')),
    ).to.deep.equal([KEY_A, KEY_B]);
    const fromFile = load({}, {}, { founders: [KEY_B] }).founders;
    expect(fromFile.mode === 'allowlist' && fromFile.keys.length).to.equal(1);
    expect(load({}, {}, { founders: 'open' }).founders).to.deep.equal({ mode: 'open' });
  });

  it('rejects founder keys that are not 64 hex digits or not acceptable Ed25519 keys', () => {
    expect(codeOf(() => load({ founders: KEY_A.slice(2) }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({ founders: `${KEY_A},zz` }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({ founders: SMALL_ORDER }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({}, {}, { founders: [42] }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({}, {}, { founders: { open: true } }))).to.equal(
      'CONFIG_INVALID_VALUE',
    );
  });

  it('rejects integers that are not plain decimal, out of range, or not JSON integers', () => {
    for (const port of ['', '-1', '65536', '1e3', '0x10', '80.5', ' 80', 'eighty']) {
      expect(
        codeOf(() => load({ port })),
        port,
      ).to.equal('CONFIG_INVALID_VALUE');
    }
    expect(load({ port: '0' }).port).to.equal(0);
    expect(codeOf(() => load({}, {}, { port: '7400' }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({}, {}, { port: 7400.5 }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({}, { HOTLINE_VERIFY_WORKERS: '100000' }))).to.equal(
      'CONFIG_INVALID_VALUE',
    );
    expect(load({ verifyWorkers: '0' }).verifyWorkers).to.equal(0);
  });

  it('threadedStore: "true"/"false" from flags and env, a JSON boolean in the file', () => {
    // The default is false, so each source is shown turning it on; a flag beats the file.
    expect(load({ threadedStore: 'true' }).threadedStore).to.equal(true);
    expect(load({}, { HOTLINE_THREADED_STORE: 'true' }).threadedStore).to.equal(true);
    expect(load({}, {}, { threadedStore: true }).threadedStore).to.equal(true);
    expect(load({ threadedStore: 'false' }, {}, { threadedStore: true }).threadedStore).to.equal(
      false,
    );
    for (const value of ['0', 'no', 'FALSE']) {
      expect(
        codeOf(() => load({ threadedStore: value })),
        value,
      ).to.equal('CONFIG_INVALID_VALUE');
    }
    expect(codeOf(() => load({}, {}, { threadedStore: 'false' }))).to.equal('CONFIG_INVALID_VALUE');
  });

  it('every limit has a flag, an env variable and a config key, and is range-checked', () => {
    for (const setting of LIMIT_SETTINGS) {
      expect(CONFIG_KEYS).to.include(setting.name);
      expect(flagOf(setting.name)).to.match(/^[a-z]+(-[a-z]+)*$/);
      expect(envOf(setting.name)).to.match(/^HOTLINE_[A-Z]+(_[A-Z]+)*$/);
      expect(
        codeOf(() => load({ [setting.name]: String(setting.min - 1) })),
        setting.name,
      ).to.equal('CONFIG_INVALID_VALUE');
      expect(
        codeOf(() => load({ [setting.name]: '0' })),
        setting.name,
      ).to.equal('CONFIG_INVALID_VALUE');
    }
    // A Node.js timer longer than 2^31 - 1 ms fires after 1 ms.
    expect(codeOf(() => load({ authTimeout: String(2 ** 31) }))).to.equal('CONFIG_INVALID_VALUE');
    expect(load({ authTimeout: String(2 ** 31 - 1) }).limits.authTimeout).to.equal(2 ** 31 - 1);
  });

  it('rejects limits that contradict each other', () => {
    expect(codeOf(() => load({ pingInterval: '60000', idleTimeout: '30000' }))).to.equal(
      'CONFIG_INVALID_VALUE',
    );
    expect(
      codeOf(() => load({ backfillHighWater: '5000000', maxPendingOutboundBytes: '4194304' })),
    ).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({ maxPendingOutboundBytes: '70655' }))).to.equal(
      'CONFIG_INVALID_VALUE',
    );
  });

  it('rejects a bad log level and a bad host', () => {
    expect(codeOf(() => load({ logLevel: 'verbose' }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({ host: 'local host' }))).to.equal('CONFIG_INVALID_VALUE');
    expect(codeOf(() => load({}, {}, { host: 127001 }))).to.equal('CONFIG_INVALID_VALUE');
  });

  it('config file: unknown keys (maxFrameBytes too), non-objects and bad JSON are rejected', () => {
    expect(codeOf(() => load({}, {}, { prot: 7400 }))).to.equal('CONFIG_UNKNOWN_KEY');
    expect(codeOf(() => load({}, {}, { maxFrameBytes: 70656 }))).to.equal('CONFIG_UNKNOWN_KEY');
    expect(codeOf(() => load({}, {}, { config: 'other.json' }))).to.equal('CONFIG_UNKNOWN_KEY');
    expect(codeOf(() => load({}, {}, [1, 2]))).to.equal('CONFIG_FILE_MALFORMED');
    expect(codeOf(() => load({}, {}, '{"port": 7400,}'))).to.equal('CONFIG_FILE_MALFORMED');
    const unreadable = () =>
      loadRelayConfig({
        flags: { config: 'missing.json' },
        env: {},
        cwd: '/srv/hotline',
        readFile: () => {
          throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
        },
      });
    expect(codeOf(unreadable)).to.equal('CONFIG_FILE_UNREADABLE');
  });

  it('validates overridden values too: a bad file value fails even under a flag', () => {
    expect(codeOf(() => load({ port: '7001' }, {}, { port: 'x' }))).to.equal(
      'CONFIG_INVALID_VALUE',
    );
    expect(codeOf(() => load({ port: '7001' }, { HOTLINE_PORT: '-1' }))).to.equal(
      'CONFIG_INVALID_VALUE',
    );
  });
});
