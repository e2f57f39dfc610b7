// A conformance scenario: one independent exchange with the relay under test that
// passes or fails on its own.

import type { ScenarioContext } from './lib/context.js';

export interface Scenario {
  /** "group: what the relay must do", unique in the run. */
  readonly name: string;
  /** Resolves if the relay behaved as the spec says; throws (ConformanceFailure) if not. */
  run(ctx: ScenarioContext): Promise<void>;
}
