// Every scenario of a run, in the order they run.

import type { Scenario } from '../scenario.js';
import { authScenarios } from './auth.js';
import { frameScenarios } from './frames.js';
import { keyScenarios } from './keys.js';
import { proofScenarios } from './proofs.js';
import { publishScenarios } from './publish.js';
import { subscribeScenarios } from './subscribe.js';

export const SCENARIOS: readonly Scenario[] = Object.freeze([
  ...authScenarios,
  ...frameScenarios,
  ...publishScenarios,
  ...subscribeScenarios,
  ...proofScenarios,
  ...keyScenarios,
]);
