import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHotlineError } from '@hotline/codec';
import {
  decodeKeyFile,
  encodeKeyFile,
  generateSecretKey,
  isAcceptableKey,
  publicKeyFromBytes,
  publicKeyFromHex,
  publicKeyOf,
  publicKeyToHex,
  readKeyFile,
  secretKeyFromBytes,
  secretKeyFromHex,
  secretKeyToHex,
  sign,
  verify,
  writeKeyFile,
} from '@hotline/signer';
import { expect } from 'chai';
import { hex, toHex } from './_ed25519.js';
import { RFC8032_VECTORS } from './_rfc8032.js';

const SECRET = hex(RFC8032_VECTORS[2]!.secretKey);
// scrypt N for tests; the default (2^17) takes 2–15 s on this shared machine, so no test
// runs it.
const FAST = { kdfCost: 2 ** 4 };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isHotlineError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('keys', () => {
  for (const v of RFC8032_VECTORS) {
    it(`${v.name}: derives the RFC public key and reproduces the RFC signature byte for byte`, () => {
      const secret = secretKeyFromHex(v.secretKey);
      expect(toHex(publicKeyOf(secret))).to.equal(v.publicKey);
      expect(toHex(sign(hex(v.message), secret))).to.equal(v.signature);
    });
  }

  it('generates distinct random keys whose signatures verify on both backends', () => {
    const a = generateSecretKey();
    const b = generateSecretKey();
    expect(a).to.have.length(32);
    expect(toHex(a)).not.to.equal(toHex(b));
    const message = Uint8Array.of(1, 2, 3);
    const signature = sign(message, a);
    expect(isAcceptableKey(publicKeyOf(a))).to.equal(true);
    for (const backend of ['native', 'portable'] as const) {
      expect(verify(signature, message, publicKeyOf(a), { backend })).to.equal(true);
      expect(verify(signature, message, publicKeyOf(b), { backend })).to.equal(false);
    }
  });

  it('throws TypeError for non-bytes and RangeError for wrong lengths or bad hex', () => {
    expect(() => publicKeyOf('00' as never)).to.throw(TypeError);
    expect(() => sign('m' as never, SECRET)).to.throw(TypeError);
    expect(() => sign(Uint8Array.of(1), SECRET.subarray(1))).to.throw(RangeError);
    expect(() => publicKeyOf(new Uint8Array(64))).to.throw(RangeError);
    expect(() => secretKeyFromBytes(new Uint8Array(31))).to.throw(RangeError);
    expect(() => publicKeyFromBytes(new Uint8Array(33))).to.throw(RangeError);
    expect(() => secretKeyFromHex('ab')).to.throw(RangeError);
    expect(() => publicKeyFromHex(`${'zz'}${'00'.repeat(31)}`)).to.throw(RangeError);
    expect(() => secretKeyToHex(new Uint8Array(16))).to.throw(RangeError);
  });

  it('imports copies and exports lowercase hex that round-trips', () => {
    const source = SECRET.slice();
    const secret = secretKeyFromBytes(source);
    source.fill(0);
    expect(toHex(secret)).to.equal(RFC8032_VECTORS[2]!.secretKey);
    const publicKey = publicKeyOf(secret);
    expect(publicKeyToHex(publicKey)).to.equal(RFC8032_VECTORS[2]!.publicKey);
    expect(toHex(publicKeyFromHex(publicKeyToHex(publicKey).toUpperCase()))).to.equal(
      RFC8032_VECTORS[2]!.publicKey,
    );
    expect(secretKeyToHex(secretKeyFromHex(secretKeyToHex(secret)))).to.equal(toHex(secret));
  });
});

describe('key files', () => {
  it('round-trips an unencrypted file with exactly the documented members', () => {
    const text = encodeKeyFile(SECRET);
    expect(JSON.parse(text)).to.deep.equal({
      type: 'hotline-ed25519-secret',
      version: 1,
      publicKey: RFC8032_VECTORS[2]!.publicKey,
      secretKey: RFC8032_VECTORS[2]!.secretKey,
    });
    expect(toHex(decodeKeyFile(text))).to.equal(toHex(SECRET));
  });

  it('round-trips an encrypted file; the secret does not appear in it', () => {
    const text = encodeKeyFile(SECRET, { passphrase: 'correct horse', ...FAST });
    const file = JSON.parse(text);
    expect(Object.keys(file)).to.deep.equal([
      'type',
      'version',
      'publicKey',
      'kdf',
      'cipher',
      'ciphertext',
    ]);
    expect(file.kdf).to.include({ name: 'scrypt', N: 16, r: 8, p: 1 });
    expect(file.kdf.salt).to.match(/^[0-9a-f]{32}$/);
    expect(file.cipher.name).to.equal('xchacha20poly1305');
    expect(file.cipher.nonce).to.match(/^[0-9a-f]{48}$/);
    expect(file.ciphertext).to.match(/^[0-9a-f]{96}$/);
    expect(text).not.to.contain(RFC8032_VECTORS[2]!.secretKey);
    expect(toHex(decodeKeyFile(text, 'correct horse'))).to.equal(toHex(SECRET));
    // Fresh salt and nonce each time.
    expect(encodeKeyFile(SECRET, { passphrase: 'correct horse', ...FAST })).not.to.equal(text);
  });

  it('normalises the passphrase to NFC', () => {
    const text = encodeKeyFile(SECRET, { passphrase: 'caf\u00e9', ...FAST });
    expect(toHex(decodeKeyFile(text, 'cafe\u0301'))).to.equal(toHex(SECRET));
  });

  it('reports KEYFILE_PASSPHRASE for a missing or wrong passphrase and for altered bytes', () => {
    const text = encodeKeyFile(SECRET, { passphrase: 'right', ...FAST });
    expect(codeOf(() => decodeKeyFile(text))).to.equal('KEYFILE_PASSPHRASE');
    expect(codeOf(() => decodeKeyFile(text, 'wrong'))).to.equal('KEYFILE_PASSPHRASE');
    const file = JSON.parse(text);
    const flipped = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
    // The public key is associated data: swapping it breaks authentication.
    const otherKey = { ...file, publicKey: RFC8032_VECTORS[0]!.publicKey };
    expect(codeOf(() => decodeKeyFile(JSON.stringify(otherKey), 'right'))).to.equal(
      'KEYFILE_PASSPHRASE',
    );
    const alteredCiphertext = { ...file, ciphertext: flipped(file.ciphertext) };
    expect(codeOf(() => decodeKeyFile(JSON.stringify(alteredCiphertext), 'right'))).to.equal(
      'KEYFILE_PASSPHRASE',
    );
  });

  it('reports KEYFILE_MALFORMED for syntax, members, hex and a foreign public key', () => {
    const plain = JSON.parse(encodeKeyFile(SECRET));
    const cases: unknown[] = [
      '{',
      '[]',
      'null',
      { ...plain, type: 'other' },
      { ...plain, extra: 1 },
      { type: plain.type, version: 1, publicKey: plain.publicKey },
      { ...plain, secretKey: plain.secretKey.toUpperCase() },
      { ...plain, secretKey: plain.secretKey.slice(2) },
      { ...plain, publicKey: RFC8032_VECTORS[0]!.publicKey },
    ];
    for (const value of cases) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      expect(
        codeOf(() => decodeKeyFile(text)),
        text,
      ).to.equal('KEYFILE_MALFORMED');
    }
    const sealed = JSON.parse(encodeKeyFile(SECRET, { passphrase: 'x', ...FAST }));
    const badNonce = { ...sealed, cipher: { ...sealed.cipher, nonce: '00' } };
    expect(codeOf(() => decodeKeyFile(JSON.stringify(badNonce), 'x'))).to.equal(
      'KEYFILE_MALFORMED',
    );
  });

  it('reports KEYFILE_UNSUPPORTED for other versions, algorithms and costs, before any work', () => {
    const sealed = JSON.parse(encodeKeyFile(SECRET, { passphrase: 'x', ...FAST }));
    const cases = [
      { ...sealed, version: 2 },
      { ...sealed, kdf: { ...sealed.kdf, name: 'argon2id' } },
      { ...sealed, kdf: { ...sealed.kdf, N: 2 ** 21 } }, // would need 2 GiB
      { ...sealed, kdf: { ...sealed.kdf, N: 1000 } },
      { ...sealed, kdf: { ...sealed.kdf, r: 16 } },
      { ...sealed, cipher: { ...sealed.cipher, name: 'aes-256-gcm' } },
    ];
    for (const value of cases) {
      expect(codeOf(() => decodeKeyFile(JSON.stringify(value), 'x'))).to.equal(
        'KEYFILE_UNSUPPORTED',
      );
    }
  });

  it('rejects bad options with TypeError/RangeError', () => {
    expect(() => encodeKeyFile(SECRET, { passphrase: '' })).to.throw(RangeError);
    expect(() => encodeKeyFile(SECRET, { passphrase: 'x', kdfCost: 1000 })).to.throw(RangeError);
    expect(() => encodeKeyFile(SECRET, { passphrase: 'x', kdfCost: 2 ** 21 })).to.throw(RangeError);
    expect(() => encodeKeyFile(SECRET, { kdfCost: 16 })).to.throw(TypeError);
    expect(() => encodeKeyFile(SECRET, { passphrase: 1 as never })).to.throw(TypeError);
    expect(() => decodeKeyFile(1 as never)).to.throw(TypeError);
  });
});

describe('key files on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-keys-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes mode 0600, reads back, and refuses to replace a file unless asked', () => {
    const path = join(dir, 'id.json');
    writeKeyFile(path, SECRET, { passphrase: 'pw', ...FAST });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(toHex(readKeyFile(path, 'pw'))).to.equal(toHex(SECRET));
    expect(() => writeKeyFile(path, SECRET))
      .to.throw()
      .with.property('code', 'EEXIST');
    expect(toHex(readKeyFile(path, 'pw'))).to.equal(toHex(SECRET));
  });

  it('overwrites atomically with mode 0600 even over a world-readable file, leaving no temporary', () => {
    const path = join(dir, 'id.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    const other = generateSecretKey();
    writeKeyFile(path, other, { overwrite: true });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(toHex(readKeyFile(path))).to.equal(toHex(other));
    expect(readdirSync(dir)).to.deep.equal(['id.json']);
  });

  it('throws a plain Error where there is no filesystem', () => {
    const original = process.getBuiltinModule;
    (process as { getBuiltinModule: unknown }).getBuiltinModule = () => undefined;
    try {
      for (const attempt of [
        () => writeKeyFile(join(dir, 'x.json'), SECRET),
        () => readKeyFile(join(dir, 'x.json')),
      ]) {
        const error = thrown(attempt);
        expect(error).to.be.instanceOf(Error);
        expect(error).not.to.be.instanceOf(TypeError);
        expect(isHotlineError(error)).to.equal(false);
      }
    } finally {
      process.getBuiltinModule = original;
    }
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
