// HotlineError: one class, a stable code, optional offset/field/detail, cause kept.

import { expect } from 'chai';
import { ERROR_CODES, HotlineError, isHotlineError } from '../src/index.js';

describe('HotlineError', () => {
  it('carries code, offset, field, detail and cause, and is an Error', () => {
    const cause = new Error('inner');
    const error = new HotlineError('FIELD_SIZE', 'channel: 31 bytes', {
      offset: 7,
      field: 'channel',
      detail: { expected: 32 },
      cause,
    });
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('HotlineError');
    expect(error.code).to.equal('FIELD_SIZE');
    expect(error.offset).to.equal(7);
    expect(error.field).to.equal('channel');
    expect(error.detail).to.deep.equal({ expected: 32 });
    expect(error.cause).to.equal(cause);
  });

  it('leaves absent options undefined (and no cause property)', () => {
    const error = new HotlineError('SEQ_ZERO', 'seq');
    expect([error.offset, error.field, error.detail]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    expect('cause' in error).to.equal(false);
  });

  it('takes its name from a subclass', () => {
    class RelayError extends HotlineError {}
    expect(new RelayError('SEQ_ZERO', 'x').name).to.equal('RelayError');
  });

  it('isHotlineError matches the class and, if given, the code', () => {
    const error = new HotlineError('CBOR_FLOAT', 'float', { offset: 0 });
    expect(isHotlineError(error)).to.equal(true);
    expect(isHotlineError(error, 'CBOR_FLOAT')).to.equal(true);
    expect(isHotlineError(error, 'CBOR_TRUNCATED')).to.equal(false);
    expect(isHotlineError(new Error('CBOR_FLOAT'))).to.equal(false);
    expect(isHotlineError({ code: 'CBOR_FLOAT' })).to.equal(false);
    expect(isHotlineError(undefined)).to.equal(false);
  });

  it('the code union is closed: ERROR_CODES has no duplicates', () => {
    expect(new Set(ERROR_CODES).size).to.equal(ERROR_CODES.length);
  });
});
