// The published shape: '@hotline/signer' resolves through the exports map to the built
// JavaScript (npm test builds first), and the build has no runtime-specific import.
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';

describe('@hotline/signer as published', () => {
  it('resolves through its exports map to dist/ and decodes', async () => {
    const signer = await import('@hotline/signer');
    // The same module instance as the built file: the exports map points at dist/.
    expect(signer).to.equal(await import(new URL('../dist/index.js', import.meta.url).href));
    expect(() => signer.openEnvelope(Uint8Array.of(0xd2, 0x84)))
      .to.throw((await import('@hotline/codec')).HotlineError)
      .with.property('code', 'CBOR_LENGTH_EXCEEDS_INPUT');
  });

  it('has no node: import in its build (runs in browsers)', () => {
    const dist = new URL('../dist/', import.meta.url);
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js'),
    );
    expect(files.length).to.be.greaterThan(5);
    for (const file of files) {
      const text = readFileSync(new URL(file, dist), 'utf8');
      expect(text, file).not.to.match(/from\s+['"]node:|require\(['"]node:/);
    }
  });
});
