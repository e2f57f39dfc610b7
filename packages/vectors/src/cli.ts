#!/usr/bin/env node
// `hotline-vectors generate` writes test-vectors/<suite>/*.json from fixed keys.
// `hotline-vectors check` regenerates in memory, fails on any difference from the
// files on disk, and runs this implementation over every vector.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VECTORS_DIR as root } from './check-files.js';
import { SUITES } from './suites.js';

/** Stable JSON text: two-space indent and a final newline. */
export function render(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function generateAll(): void {
  for (const suite of SUITES) {
    const dir = join(root, suite.name);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(suite.generate())) {
      writeFileSync(join(dir, name), render(content));
    }
    console.log(`generated ${suite.name}`);
  }
}

function checkAll(): number {
  let problems = 0;
  let total = 0;
  for (const suite of SUITES) {
    const dir = join(root, suite.name);
    const generated = suite.generate();
    const onDisk = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    for (const name of onDisk) {
      if (!(name in generated)) {
        console.error(`${suite.name}/${name}: on disk but no longer generated`);
        problems++;
      }
    }
    for (const [name, content] of Object.entries(generated)) {
      const path = join(dir, name);
      const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (text !== render(content)) {
        console.error(`${suite.name}/${name}: differs from the generator (run npm run vectors)`);
        problems++;
        continue;
      }
      const failures = suite.check(name, JSON.parse(text));
      for (const line of failures) console.error(`${suite.name}/${name}: ${line}`);
      problems += failures.length;
      const count = (content as { numberOfTests?: number }).numberOfTests ?? 0;
      total += count;
      console.log(`${suite.name}/${name}: ${count} vectors, ${failures.length} failing`);
    }
  }
  console.log(`${total - problems} passed, ${problems} failed`);
  return problems;
}

const command = process.argv[2];
if (command === 'generate') generateAll();
else if (command === 'check') process.exitCode = checkAll() === 0 ? 0 : 1;
else {
  console.error('usage: hotline-vectors generate|check');
  process.exitCode = 2;
}
