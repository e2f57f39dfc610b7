// Runs every scenario against one relay URL, one after another, each with its own
// keys, channels and connections and its own deadline: a failure or a timeout of
// one never stops the others.

import { randomBytes } from 'node:crypto';
import { ScenarioContext } from './lib/context.js';
import { describeError } from './lib/failure.js';
import type { Scenario } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

export interface ConformanceOptions {
  /** The relay's WebSocket URL (ws:// or wss://); it goes into every charter. */
  url: string;
  /**
   * The 32-byte secret key that founds every channel. Default: a random key, so the
   * relay must be in open founding mode, or allowlist this key.
   */
  founderSecret?: Uint8Array;
  /** Receives one line per scenario as it finishes. */
  log?: (line: string) => void;
  /** Milliseconds each scenario may take before it fails (default 5000). */
  timeoutMs?: number;
}

export interface ScenarioResult {
  name: string;
  ok: boolean;
  /** Why it failed. */
  detail?: string;
}

export interface ConformanceReport {
  passed: number;
  failed: number;
  results: ScenarioResult[];
}

export const DEFAULT_TIMEOUT_MS = 5000;

/** The charter's limit on a relay URL (spec/08-channels.md §2.3). */
const MAX_URL_BYTES = 256;

/** One line for a scenario result: "ok   name" or "FAIL name: detail". */
export function formatResult(result: ScenarioResult): string {
  return result.ok ? `ok   ${result.name}` : `FAIL ${result.name}: ${result.detail ?? ''}`;
}

/** The summary line: "N passed, M failed". */
export function formatSummary(report: ConformanceReport): string {
  return `${report.passed} passed, ${report.failed} failed`;
}

function checkOptions(options: ConformanceOptions): number {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  const { url, founderSecret, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (typeof url !== 'string') throw new TypeError('options.url must be a string');
  if (!/^wss?:\/\//.test(url)) throw new RangeError('options.url must begin with ws:// or wss://');
  if (new TextEncoder().encode(url).length > MAX_URL_BYTES) {
    throw new RangeError(`options.url is longer than ${MAX_URL_BYTES} bytes (a charter limit)`);
  }
  if (founderSecret !== undefined) {
    if (!(founderSecret instanceof Uint8Array)) {
      throw new TypeError('options.founderSecret must be a Uint8Array');
    }
    if (founderSecret.length !== 32) throw new RangeError('options.founderSecret must be 32 bytes');
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError('options.timeoutMs must be a positive integer');
  }
  return timeoutMs;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

async function runScenario(
  scenario: Scenario,
  ctx: ScenarioContext,
  timeoutMs: number,
): Promise<ScenarioResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const work = scenario.run(ctx).then(
    (): Outcome => ({ ok: true }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );
  const outcome = await Promise.race([work, timedOut]);
  clearTimeout(timer);
  // Closing the connections also ends a timed-out scenario's pending waits.
  await ctx.cleanup();
  if (outcome === 'timeout') {
    return {
      name: scenario.name,
      ok: false,
      detail: `timed out after ${timeoutMs} ms waiting for ${ctx.waitingFor}`,
    };
  }
  if (outcome.ok) return { name: scenario.name, ok: true };
  return { name: scenario.name, ok: false, detail: describeError(outcome.error) };
}

/**
 * Runs the relay conformance scenarios against `options.url` and reports each
 * one. Never throws for a relay's behaviour (a relay that cannot be reached fails
 * every scenario); throws TypeError/RangeError for bad options.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const timeoutMs = checkOptions(options);
  const seed = new Uint8Array(randomBytes(32));
  const founder = options.founderSecret ?? new Uint8Array(randomBytes(32));
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    const ctx = new ScenarioContext({ url: options.url, seed, scenario: scenario.name, founder });
    const result = await runScenario(scenario, ctx, timeoutMs);
    results.push(result);
    options.log?.(formatResult(result));
  }
  const passed = results.filter((result) => result.ok).length;
  return { passed, failed: results.length - passed, results };
}
