// Every setting of `hotline relay`: its config-file key, flag, environment variable,
// unit and accepted range. The relay limits are those of spec/07-relay.md §11, with
// the defaults of @hotline/relay; MAX_FRAME_BYTES is normative and not a setting.

import { LIMITS } from '@hotline/codec';
import { DEFAULT_LIMITS, type RelayLimits } from '@hotline/relay';

/** The relay limits an operator may change: all but the normative frame size. */
export type OperatorLimits = Omit<RelayLimits, 'maxFrameBytes'>;
export type LimitName = keyof OperatorLimits;

/** Largest delay a Node.js timer takes; a larger one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LimitSetting {
  readonly name: LimitName;
  /** Shown in --help as the value's placeholder. */
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

const COUNT_MAX = Number.MAX_SAFE_INTEGER;

export const LIMIT_SETTINGS: readonly LimitSetting[] = [
  {
    name: 'authTimeout',
    unit: 'ms',
    min: 1,
    max: MAX_TIMER_MS,
    description: 'ms from WebSocket open to a successful auth',
  },
  {
    name: 'pingInterval',
    unit: 'ms',
    min: 1000,
    max: MAX_TIMER_MS,
    description: 'ms between WebSocket pings',
  },
  {
    name: 'idleTimeout',
    unit: 'ms',
    min: 1000,
    max: MAX_TIMER_MS,
    description: 'ms without a message or pong before a connection is dropped',
  },
  {
    name: 'publishRate',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'envelopes per second per connection',
  },
  {
    name: 'publishBurst',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'envelopes in a burst per connection',
  },
  {
    name: 'senderRate',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'envelopes per second per sender key',
  },
  {
    name: 'senderBurst',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'envelopes in a burst per sender key',
  },
  {
    name: 'maxSubscriptions',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'subscriptions per connection',
  },
  {
    name: 'maxPendingOutboundBytes',
    unit: 'bytes',
    // One largest frame must fit, or a reader of a maximal envelope is always cut off.
    min: LIMITS.MAX_FRAME_BYTES,
    max: COUNT_MAX,
    description: 'bytes queued for one connection before it is cut off as a slow consumer',
  },
  {
    name: 'backfillHighWater',
    unit: 'bytes',
    min: 1,
    max: COUNT_MAX,
    description: 'bytes queued for one connection above which backfill pauses',
  },
  {
    name: 'maxUnansweredRequests',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'publishes of one connection in progress before the relay stops reading it',
  },
  {
    name: 'maxConnections',
    unit: 'n',
    min: 1,
    max: COUNT_MAX,
    description: 'open WebSocket connections',
  },
];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7400;
export const DEFAULT_DATA_DIR = '.hotline';
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
/** Bounds a typo, not a machine: one thread per core is the most that helps. */
export const MAX_VERIFY_WORKERS = 256;

/** Every key a config file may hold, in the order of the documentation. */
export const CONFIG_KEYS: readonly string[] = [
  'host',
  'port',
  'dataDir',
  'founders',
  'logLevel',
  'verifyWorkers',
  'threadedStore',
  ...LIMIT_SETTINGS.map((setting) => setting.name),
];

/** `maxPendingOutboundBytes` → `max-pending-outbound-bytes`. */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `maxPendingOutboundBytes` → `HOTLINE_MAX_PENDING_OUTBOUND_BYTES`. */
export function envOf(name: string): string {
  return `HOTLINE_${name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** The relay's default for a limit. */
export function defaultLimit(name: LimitName): number {
  return DEFAULT_LIMITS[name];
}
