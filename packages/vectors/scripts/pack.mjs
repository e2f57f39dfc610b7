// `npm pack` of @hotline/vectors: `copy` (prepack) puts the repository's test
// vectors and error registry into the package, which reads them from there when
// installed; `clean` (postpack) removes the copies again.

import { cpSync, rmSync } from 'node:fs';

const COPIES = [
  ['../../test-vectors', 'test-vectors'],
  ['../../protocol/registries/errors.json', 'registries/errors.json'],
];

const step = process.argv[2];
for (const [from, to] of COPIES) {
  rmSync(to.split('/')[0], { recursive: true, force: true });
  if (step === 'copy') cpSync(from, to, { recursive: true });
  else if (step !== 'clean') throw new Error(`usage: pack.mjs copy|clean (got ${step})`);
}
