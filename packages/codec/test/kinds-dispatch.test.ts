// The kind dispatcher: each standard kind's body by number, opaque bodies outside
// the standard range, KIND_UNSUPPORTED for a standard kind without a schema.

import { expect } from 'chai';
import { decodeKindBody, encodeKindBody, HotlineError, KIND } from '../src/index.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof HotlineError) return error.code;
    throw error;
  }
  return undefined;
}

describe('kind body dispatch', () => {
  it('round-trips bodies of several kinds through encodeKindBody / decodeKindBody', () => {
    const text = {
      kind: 'text',
      value: { authoritative: { language: 'en', text: 'hello' } },
    } as const;
    expect(decodeKindBody(KIND.text, encodeKindBody(text))).to.deep.equal(text);
    const ack = { kind: 'ack', value: { stage: 'received' } } as const;
    expect(decodeKindBody(KIND.ack, encodeKindBody(ack))).to.deep.equal(ack);
    const suspend = {
      kind: 'suspend',
      value: { reason: { language: 'en', text: 'talks paused' } },
    } as const;
    expect(decodeKindBody(KIND.suspend, encodeKindBody(suspend))).to.deep.equal(suspend);
  });

  it('every standard kind of the registry has a decoder', () => {
    for (const [name, value] of Object.entries(KIND)) {
      // An empty body is never valid, but it must reach the kind's own decoder.
      const code = codeOf(() => decodeKindBody(value, new Uint8Array(0)));
      expect(code, name).to.not.equal('KIND_UNSUPPORTED');
    }
  });

  it('a body of one kind is refused by another kind', () => {
    const text = encodeKindBody({
      kind: 'text',
      value: { authoritative: { language: 'en', text: 'x' } },
    });
    expect(codeOf(() => decodeKindBody(KIND.ack, text))).to.match(/^BODY_/);
  });

  it('an unassigned standard kind is KIND_UNSUPPORTED; experimental and private kinds are opaque', () => {
    expect(codeOf(() => decodeKindBody(1000, new Uint8Array([0xa0])))).to.equal('KIND_UNSUPPORTED');
    const bytes = new Uint8Array([1, 2, 3]);
    expect(decodeKindBody(40000, bytes)).to.deep.equal({ kind: 'opaque', value: bytes });
    expect(decodeKindBody(60000, bytes).kind).to.equal('opaque');
  });
});
