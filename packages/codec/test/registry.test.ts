// The generated registry module must match protocol/registries/*.json, and the
// error codes must be the registry's, each exactly once.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import {
  ERROR_CODES,
  FIELD,
  HEADER_TYP,
  LIMITS,
  PRECEDENCE,
  PROTECTED_HEADER,
} from '../src/index.js';
import { HAND_PROTECTED, hex } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = join(root, 'scripts/gen-registry.mjs');
const generatedPath = join(root, 'packages/codec/src/registry.generated.ts');
const registry = (name: string) =>
  JSON.parse(readFileSync(join(root, 'protocol/registries', name), 'utf8'));

describe('registry: generated module', () => {
  it('generate() reproduces the committed registry.generated.ts exactly', async () => {
    const { generate } = (await import(pathToFileURL(script).href)) as { generate: () => string };
    expect(generate()).to.equal(readFileSync(generatedPath, 'utf8'));
  });

  it('`gen-registry.mjs --check` exits 0 on this tree', () => {
    execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' });
  });

  it('`--check` fails on a stale file, and regenerating fixes it', () => {
    // A copy of the script and registries, so the real tree is never written.
    const dir = mkdtempSync(join(tmpdir(), 'registry-check-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'packages/codec/src'), { recursive: true });
      cpSync(script, join(dir, 'scripts/gen-registry.mjs'));
      cpSync(join(root, 'protocol'), join(dir, 'protocol'), { recursive: true });
      const copy = join(dir, 'scripts/gen-registry.mjs');
      const target = join(dir, 'packages/codec/src/registry.generated.ts');
      writeFileSync(target, readFileSync(generatedPath, 'utf8').replace('69632', '69633'));
      const stale = spawnSync(process.execPath, [copy, '--check'], { stdio: 'pipe' });
      expect(stale.status).to.equal(1);
      execFileSync(process.execPath, [copy], { stdio: 'pipe' });
      expect(readFileSync(target, 'utf8')).to.equal(readFileSync(generatedPath, 'utf8'));
      expect(spawnSync(process.execPath, [copy, '--check'], { stdio: 'pipe' }).status).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('registry: error codes', () => {
  const entries = registry('errors.json').codes as {
    code: string;
    layer: string;
    description: string;
  }[];

  it('every code in ERROR_CODES appears exactly once in errors.json', () => {
    for (const code of ERROR_CODES) {
      expect(
        entries.filter((e) => e.code === code),
        code,
      ).to.have.length(1);
    }
  });

  it('errors.json has no code that ERROR_CODES lacks, in the same order', () => {
    expect(entries.map((e) => e.code)).to.deep.equal([...ERROR_CODES]);
  });

  it('every code is UPPER_SNAKE_CASE with a layer and a description', () => {
    for (const { code, layer, description } of entries) {
      expect(code).to.match(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(layer, code).to.match(/^[a-z]+$/);
      expect(description.length, code).to.be.greaterThan(10);
    }
  });
});

describe('registry: constants', () => {
  it('FIELD, PRECEDENCE and LIMITS are the JSON values', () => {
    const fields = registry('fields.json').fields as { key: number; name: string }[];
    expect(FIELD).to.deep.equal(Object.fromEntries(fields.map((f) => [f.name, f.key])));
    const levels = registry('precedence.json').levels as { name: string; value: number | null }[];
    expect(PRECEDENCE).to.deep.equal(
      Object.fromEntries(levels.filter((l) => l.value !== null).map((l) => [l.name, l.value])),
    );
    const limits = registry('limits.json').limits as { name: string; value: number }[];
    expect(LIMITS).to.deep.equal(Object.fromEntries(limits.map((l) => [l.name, l.value])));
    expect(LIMITS.MAX_INTEGER).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it('the registry protected header hex is the canonical encoding of {1: -8, 16: typ}', () => {
    const header = registry('header.json');
    expect(HEADER_TYP).to.equal(header.protected[1].value);
    expect(header.protectedHex).to.equal(hex(HAND_PROTECTED));
    expect(hex(PROTECTED_HEADER)).to.equal(header.protectedHex);
  });
});
