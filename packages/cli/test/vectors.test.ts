// `hotline vectors`: this implementation over the repository's vectors, and over a
// copy in which one vector says the wrong thing.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VECTORS_DIR } from '@hotline/vectors';
import { expect } from 'chai';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/exit-codes.ts';
import { main } from '../src/main.ts';
import { capturedIo } from './_io.ts';

interface Summary {
  ok: boolean;
  files: { file: string; vectors: number; passed: number; failed: number; failures: string[] }[];
  vectors: number;
  passed: number;
  failed: number;
}

describe('hotline vectors', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-vectors-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("passes every vector of the repository's test-vectors/ (exit 0)", async () => {
    const io = capturedIo();
    expect(await main(['vectors', '--json'], io)).to.equal(EXIT_OK);
    const summary = JSON.parse(io.stdout) as Summary;
    expect(summary.ok).to.equal(true);
    expect(summary.failed).to.equal(0);
    // Every suite contributes files; none passes by having no vectors.
    const suites = new Set(summary.files.map((f) => f.file.split('/')[0]));
    expect([...suites]).to.have.members([
      'envelope',
      'signature',
      'chain',
      'checkpoint',
      'merkle',
      'charter',
      'kinds',
    ]);
    for (const file of summary.files) expect(file.vectors, file.file).to.be.above(0);
    expect(summary.passed).to.equal(summary.vectors);
  });

  it('fails (exit 1) on a copy where one vector expects the wrong result, and names it', async () => {
    const copy = join(dir, 'copy');
    cpSync(VECTORS_DIR, copy, { recursive: true });
    const path = join(copy, 'envelope', 'envelope_v1.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const test = file.testGroups
      .flatMap((g: { tests: Record<string, unknown>[] }) => g.tests)
      .find((t: Record<string, unknown>) => t.result === 'invalid');
    test.result = 'valid';
    delete test.error;
    writeFileSync(path, JSON.stringify(file));

    const io = capturedIo({ cwd: dir });
    expect(await main(['vectors', 'copy'], io)).to.equal(EXIT_FAILURE);
    expect(io.stdout).to.match(/envelope\/envelope_v1\.json +\d+ +\d+ +1\n/);
    expect(io.stdout).to.include(`FAIL envelope/envelope_v1.json: tcId ${test.tcId} `);
    expect(io.stdout).to.match(/: \d+ passed, 1 failed/);
  });

  it('a directory without vectors fails; a path that is no directory is a usage error', async () => {
    const empty = capturedIo({ cwd: dir });
    rmSync(join(dir, 'empty'), { recursive: true, force: true });
    cpSync(join(VECTORS_DIR, 'schema'), join(dir, 'empty', 'schema'), { recursive: true });
    expect(await main(['vectors', 'empty'], empty)).to.equal(EXIT_FAILURE);
    expect(empty.stdout).to.include('no vector files');

    const missing = capturedIo({ cwd: dir });
    expect(await main(['vectors', 'nowhere'], missing)).to.equal(EXIT_USAGE);
    expect(missing.stderr).to.include('not a directory');
  });
});
