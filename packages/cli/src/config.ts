// The configuration of `hotline relay`, from four sources in this order of
// precedence: flags, environment (HOTLINE_*), config file (JSON), defaults. Every
// value is validated here, so the relay never starts on a setting it cannot honour.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fromHex } from '@hotline/codec';
import type { FounderPolicy } from '@hotline/relay';
import { isAcceptableKey } from '@hotline/signer';
import { ConfigError } from './config-error.js';
import {
  CONFIG_KEYS,
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  defaultLimit,
  envOf,
  flagOf,
  LIMIT_SETTINGS,
  LOG_LEVELS,
  type LogLevel,
  MAX_VERIFY_WORKERS,
  type OperatorLimits,
} from './settings.js';

export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

export interface RelayConfig {
  readonly host: string;
  readonly port: number;
  /** Absolute path. */
  readonly dataDir: string;
  readonly founders: FounderPolicy;
  readonly logLevel: LogLevel;
  /** Signature-verifying worker threads; undefined: the relay's default (cores − 1, at least 1). */
  readonly verifyWorkers: number | undefined;
  /** Commit on a writer thread (openThreadedSqliteStore); false: on the main thread. */
  readonly threadedStore: boolean;
  readonly limits: OperatorLimits;
  /** Absolute path of the config file read, if any. */
  readonly configFile: string | undefined;
  /** Where each setting's value came from. */
  readonly sources: Readonly<Record<string, ConfigSource>>;
}

export interface ConfigInputs {
  /** Flag values as typed, keyed by setting name (`maxConnections`), plus `config`. */
  readonly flags: Readonly<Record<string, string | undefined>>;
  /** The environment; empty values count as unset. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths from flags and environment resolve against this. */
  readonly cwd: string;
  /** Reads the config file; default node:fs. */
  readonly readFile?: (path: string) => string;
}

/** A raw value and where it came from; file values are JSON, the others text. */
type Raw =
  | { readonly source: 'flag' | 'env'; readonly origin: string; readonly value: string }
  | { readonly source: 'file'; readonly origin: string; readonly value: unknown };

const CONFIG_ENV = 'HOTLINE_CONFIG';

function invalid(setting: string, origin: string, why: string): never {
  throw new ConfigError('CONFIG_INVALID_VALUE', `${origin}: ${why}`, setting);
}

function readConfigFile(path: string, read: (path: string) => string): Record<string, unknown> {
  let text: string;
  try {
    text = read(path);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ConfigError(
      'CONFIG_FILE_UNREADABLE',
      `cannot read config file ${path}: ${reason}`,
      'config',
      {
        cause,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(
      'CONFIG_FILE_MALFORMED',
      `config file ${path} is not valid JSON: ${(cause as Error).message}`,
      'config',
      { cause },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      'CONFIG_FILE_MALFORMED',
      `config file ${path} must hold a JSON object`,
      'config',
    );
  }
  const object = parsed as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (CONFIG_KEYS.includes(key)) continue;
    const hint =
      key === 'maxFrameBytes'
        ? 'the frame size is fixed by the protocol (MAX_FRAME_BYTES) and is not a setting'
        : `known keys: ${CONFIG_KEYS.join(', ')}`;
    throw new ConfigError(
      'CONFIG_UNKNOWN_KEY',
      `config file ${path}: unknown key "${key}" (${hint})`,
      key,
    );
  }
  return object;
}

function integer(name: string, raw: Raw, min: number, max: number): number {
  let value: number;
  if (raw.source === 'file') {
    if (typeof raw.value !== 'number' || !Number.isSafeInteger(raw.value)) {
      invalid(name, raw.origin, `must be an integer, got ${JSON.stringify(raw.value)}`);
    }
    value = raw.value;
  } else {
    if (!/^[0-9]+$/.test(raw.value)) {
      invalid(name, raw.origin, `must be a decimal integer, got "${raw.value}"`);
    }
    value = Number(raw.value);
  }
  if (!(value >= min && value <= max)) {
    invalid(name, raw.origin, `must be from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function boolean(name: string, raw: Raw): boolean {
  if (raw.source === 'file') {
    if (typeof raw.value !== 'boolean') {
      invalid(name, raw.origin, `must be true or false, got ${JSON.stringify(raw.value)}`);
    }
    return raw.value;
  }
  if (raw.value !== 'true' && raw.value !== 'false') {
    invalid(name, raw.origin, `must be "true" or "false", got "${raw.value}"`);
  }
  return raw.value === 'true';
}

function text(name: string, raw: Raw): string {
  if (typeof raw.value !== 'string') {
    invalid(name, raw.origin, `must be a string, got ${JSON.stringify(raw.value)}`);
  }
  return raw.value;
}

function host(raw: Raw): string {
  const value = text('host', raw);
  if (value.length === 0 || value.length > 253 || /\s/.test(value)) {
    invalid('host', raw.origin, `must be a host name or IP address, got "${value}"`);
  }
  return value;
}

function logLevel(raw: Raw): LogLevel {
  const value = text('logLevel', raw);
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    invalid('logLevel', raw.origin, `must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

function founderKey(value: unknown, origin: string): Uint8Array {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    invalid(
      'founders',
      origin,
      `a founder key must be 64 hex digits (an Ed25519 public key), got ${JSON.stringify(value)}`,
    );
  }
  const key = fromHex(value);
  if (!isAcceptableKey(key)) {
    invalid('founders', origin, `${value} is not an acceptable Ed25519 public key`);
  }
  return key;
}

function founders(raw: Raw): FounderPolicy {
  let items: readonly unknown[];
  if (typeof raw.value === 'string') {
    const value = raw.value.trim();
    if (value === 'open') return { mode: 'open' };
    items = value === '' ? [] : value.split(',').map((item) => item.trim());
  } else if (raw.source === 'file' && Array.isArray(raw.value)) {
    items = raw.value;
  } else {
    invalid('founders', raw.origin, 'must be "open" or a list of hex public keys');
  }
  const keys = new Map<string, Uint8Array>();
  for (const item of items) {
    const key = founderKey(item, raw.origin);
    keys.set(String(item).toLowerCase(), key);
  }
  return { mode: 'allowlist', keys: [...keys.values()] };
}

/** Reads, merges and validates the configuration. Throws ConfigError. */
export function loadRelayConfig(inputs: ConfigInputs): RelayConfig {
  const { flags, cwd } = inputs;
  const env = (name: string): string | undefined => {
    const value = inputs.env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const configPath = flags['config'] ?? env(CONFIG_ENV);
  const configFile = configPath === undefined ? undefined : resolve(cwd, configPath);
  const file =
    configFile === undefined
      ? {}
      : readConfigFile(configFile, inputs.readFile ?? ((path) => readFileSync(path, 'utf8')));
  const sources: Record<string, ConfigSource> = {};

  /** Every raw value of a setting, highest precedence first. */
  const raws = (name: string): Raw[] => {
    const found: Raw[] = [];
    const flag = flags[name];
    if (flag !== undefined)
      found.push({ source: 'flag', origin: `--${flagOf(name)}`, value: flag });
    const fromEnv = env(envOf(name));
    if (fromEnv !== undefined) found.push({ source: 'env', origin: envOf(name), value: fromEnv });
    if (Object.hasOwn(file, name)) {
      found.push({ source: 'file', origin: `"${name}" in ${configFile}`, value: file[name] });
    }
    return found;
  };

  /**
   * The value of a setting from its highest-precedence source. Every source's value
   * is validated, also those overridden: a bad value must not wait in a config file
   * for the day its override is removed.
   */
  const setting = <T>(name: string, parse: (raw: Raw) => T, fallback: T): T => {
    const found = raws(name);
    const values = found.map(parse);
    sources[name] = found[0]?.source ?? 'default';
    return values.length === 0 ? fallback : (values[0] as T);
  };

  const dataDir = setting(
    'dataDir',
    (raw) => {
      const value = text('dataDir', raw);
      if (value.length === 0) invalid('dataDir', raw.origin, 'must not be empty');
      // A path in the config file is relative to the file, so the file can move with it.
      return resolve(raw.source === 'file' ? dirname(configFile!) : cwd, value);
    },
    resolve(cwd, DEFAULT_DATA_DIR),
  );

  const limits: Record<string, number> = {};
  for (const { name, min, max } of LIMIT_SETTINGS) {
    limits[name] = setting(name, (raw) => integer(name, raw, min, max), defaultLimit(name));
  }
  const checked = limits as unknown as OperatorLimits;
  if (checked.idleTimeout < checked.pingInterval) {
    invalid(
      'idleTimeout',
      'idleTimeout',
      `must be at least pingInterval (${checked.pingInterval} ms): a connection is dropped after idleTimeout / pingInterval unanswered pings`,
    );
  }
  if (checked.backfillHighWater > checked.maxPendingOutboundBytes) {
    invalid(
      'backfillHighWater',
      'backfillHighWater',
      `must not exceed maxPendingOutboundBytes (${checked.maxPendingOutboundBytes}): backfill would cut its own reader off`,
    );
  }

  return {
    host: setting('host', host, DEFAULT_HOST),
    port: setting('port', (raw) => integer('port', raw, 0, 65535), DEFAULT_PORT),
    dataDir,
    founders: setting<FounderPolicy>('founders', founders, { mode: 'allowlist', keys: [] }),
    logLevel: setting('logLevel', logLevel, DEFAULT_LOG_LEVEL),
    verifyWorkers: setting<number | undefined>(
      'verifyWorkers',
      (raw) => integer('verifyWorkers', raw, 0, MAX_VERIFY_WORKERS),
      undefined,
    ),
    threadedStore: setting('threadedStore', (raw) => boolean('threadedStore', raw), false),
    limits: checked,
    configFile,
    sources,
  };
}
