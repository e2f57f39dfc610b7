// Every committed vector file runs through this implementation (each suite's
// `check`), so `npm test` fails on any vector the packages do not pass.
// `npm run vectors:check` additionally proves the files are what the generator makes.
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { SUITES } from '../src/suites.js';

const root = new URL('../../../test-vectors/', import.meta.url);

for (const suite of SUITES) {
  describe(`test-vectors/${suite.name}`, () => {
    const files = readdirSync(new URL(`${suite.name}/`, root)).filter((f) => f.endsWith('.json'));

    it('has the files the generator makes', () => {
      expect(files.sort()).to.deep.equal(Object.keys(suite.generate()).sort());
    });

    for (const file of files) {
      it(`${file}: every vector behaves as it says`, () => {
        const content = JSON.parse(readFileSync(new URL(`${suite.name}/${file}`, root), 'utf8'));
        expect(content.numberOfTests).to.be.greaterThan(0);
        expect(suite.check(file, content)).to.deep.equal([]);
      });
    }
  });
}
