import { chainSuite } from './chain.js';
import { charterSuite } from './charter.js';
import { checkpointSuite } from './checkpoint.js';
import { envelopeSuite } from './envelope.js';
import type { Suite } from './format.js';
import { kindsSuite } from './kinds.js';
import { merkleSuite } from './merkle.js';
import { signatureSuite } from './signature.js';

/** Every suite, in the order they are generated and checked. */
export const SUITES: readonly Suite[] = [
  envelopeSuite,
  signatureSuite,
  chainSuite,
  checkpointSuite,
  merkleSuite,
  charterSuite,
  kindsSuite,
];
