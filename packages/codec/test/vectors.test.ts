// The codec against every shared envelope vector (test-vectors/envelope/*.json): valid
// vectors must decode to exactly the given outputs, invalid ones must be rejected with
// exactly the given code. Also checks each file against its JSON Schema and that the
// files keep covering every error code of the cbor and envelope layers.

import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'chai';
import {
  decodeEnvelope,
  type EnvelopeFields,
  ERROR_CODES,
  fromHex,
  HotlineError,
  toHex,
} from '../src/index.js';

const root = new URL('../../../test-vectors/', import.meta.url);
const suiteDir = new URL('envelope/', root);
const schemaDir = new URL('schema/', root);

interface VectorTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid';
  error?: string;
  envelope: string;
  id?: string;
  signedBytes?: string;
  payload?: string;
  signature?: string;
  fields?: Record<string, unknown>;
}

interface VectorFile {
  $schema: string;
  numberOfTests: number;
  notes: Record<string, string>;
  testGroups: { type: string; description: string; tests: VectorTest[] }[];
}

const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));

const fileNames = readdirSync(suiteDir)
  .filter((name) => name.endsWith('.json'))
  .sort();
const files = fileNames.map((name) => ({
  name,
  content: readJson(new URL(name, suiteDir)) as VectorFile,
}));
const allTests = files.flatMap((f) => f.content.testGroups.flatMap((g) => g.tests));

/** Codes of the layers the envelope vectors must cover, from the registry itself. */
const registry = readJson(new URL('../protocol/registries/errors.json', root)) as {
  codes: { code: string; layer: string }[];
};
const layerCodes = registry.codes
  .filter((c) => c.layer === 'cbor' || c.layer === 'envelope')
  .map((c) => c.code);

/** Decoded fields in the vectors' JSON form, written here independently of the generator. */
function asJson(fields: EnvelopeFields): Record<string, unknown> {
  const out: Record<string, unknown> = {
    version: fields.version,
    channel: toHex(fields.channel),
    sender: toHex(fields.sender),
    seq: fields.seq,
    time: fields.time,
    kind: fields.kind,
    body: toHex(fields.body),
    precedence: fields.precedence,
  };
  if (fields.prev !== undefined) out.prev = toHex(fields.prev);
  if (fields.ref !== undefined) out.ref = toHex(fields.ref);
  if (fields.expiry !== undefined) out.expiry = fields.expiry;
  if (fields.recipients !== undefined) out.recipients = fields.recipients.map(toHex);
  return out;
}

describe('envelope test vectors', () => {
  it('has at least one vector file', () => {
    expect(fileNames).to.not.be.empty;
  });

  it('has at least 12 valid and 50 invalid vectors', () => {
    expect(allTests.filter((t) => t.result === 'valid')).to.have.length.of.at.least(12);
    expect(allTests.filter((t) => t.result === 'invalid')).to.have.length.of.at.least(50);
  });

  it('covers every error code of the cbor and envelope layers, and only registered codes', () => {
    const used = new Set(allTests.flatMap((t) => (t.error === undefined ? [] : [t.error])));
    expect(layerCodes).to.not.be.empty;
    expect(layerCodes.filter((code) => !used.has(code))).to.deep.equal([]);
    const known = new Set<string>(ERROR_CODES);
    expect([...used].filter((code) => !known.has(code))).to.deep.equal([]);
  });

  // Strict, except strictRequired: it flags `required` inside if/then, where the
  // properties are defined one level up (a false positive for this pattern).
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  for (const name of readdirSync(schemaDir).filter((n) => n.endsWith('.schema.json'))) {
    ajv.addSchema(readJson(new URL(name, schemaDir)) as object);
  }

  for (const { name, content } of files) {
    describe(name, () => {
      it('matches its JSON Schema', () => {
        const schemaId = new URL(content.$schema, new URL(`envelope/${name}`, root)).href.replace(
          root.href,
          'https://hotline.invalid/test-vectors/',
        );
        const validate = ajv.getSchema(schemaId);
        expect(validate, `schema ${content.$schema}`).to.be.a('function');
        const ok = validate!(content);
        expect(validate!.errors ?? [], ajv.errorsText(validate!.errors)).to.deep.equal([]);
        expect(ok).to.equal(true);
      });

      it('numbers tcIds 1..n and explains every flag in notes', () => {
        const tests = content.testGroups.flatMap((g) => g.tests);
        expect(tests.map((t) => t.tcId)).to.deep.equal(tests.map((_, i) => i + 1));
        expect(content.numberOfTests).to.equal(tests.length);
        const flags = new Set(tests.flatMap((t) => t.flags));
        expect([...flags].filter((f) => !(f in content.notes))).to.deep.equal([]);
      });

      for (const group of content.testGroups) {
        describe(group.description, () => {
          for (const test of group.tests) {
            it(`tcId ${test.tcId}: ${test.comment}`, () => {
              const bytes = fromHex(test.envelope);
              if (test.result === 'invalid') {
                let thrown: unknown;
                try {
                  decodeEnvelope(bytes);
                } catch (error) {
                  thrown = error;
                }
                expect(thrown).to.be.instanceOf(HotlineError);
                expect((thrown as HotlineError).code).to.equal(test.error);
                return;
              }
              const decoded = decodeEnvelope(bytes);
              expect(asJson(decoded.fields)).to.deep.equal(test.fields);
              expect(toHex(decoded.payload)).to.equal(test.payload);
              expect(toHex(decoded.signature)).to.equal(test.signature);
              expect(toHex(decoded.signedBytes)).to.equal(test.signedBytes);
              expect(toHex(decoded.id)).to.equal(test.id);
            });
          }
        });
      }
    });
  }
});
