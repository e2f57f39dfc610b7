// `hotline keygen`: the key file it writes, its refusals and their exit codes.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '@hotline/codec';
import { decodeKeyFile, publicKeyOf, readKeyFile } from '@hotline/signer';
import { expect } from 'chai';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/exit-codes.ts';
import { main } from '../src/main.ts';
import { capturedIo } from './_io.ts';

const PASSPHRASE = 'correct horse battery staple';

describe('hotline keygen', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-keygen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an encrypted key file (0600) that opens with the passphrase only', async () => {
    const io = capturedIo({ cwd: dir, env: { HOTLINE_KEY_PASSPHRASE: PASSPHRASE } });
    // A low scrypt cost keeps the test fast (the default, 2^17, takes seconds here).
    expect(await main(['keygen', '--json', '--kdf-cost', '1024'], io)).to.equal(EXIT_OK);
    const report = JSON.parse(io.stdout) as { publicKey: string; path: string; encrypted: boolean };
    // The default path: .hotline/member-key.json under the working directory.
    const path = join(dir, '.hotline', 'member-key.json');
    expect(report).to.deep.equal({ publicKey: report.publicKey, path, encrypted: true });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(statSync(join(dir, '.hotline')).mode & 0o777).to.equal(0o700);

    const secret = readKeyFile(path, PASSPHRASE);
    expect(toHex(publicKeyOf(secret))).to.equal(report.publicKey);
    // Encrypted for real: the secret is not in the file, and no passphrase opens nothing.
    expect(readFileSync(path, 'utf8')).to.not.include(toHex(secret));
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text).kdf.N).to.equal(1024);
    expect(() => decodeKeyFile(text))
      .to.throw()
      .with.property('code', 'KEYFILE_PASSPHRASE');
    expect(() => decodeKeyFile(text, 'wrong'))
      .to.throw()
      .with.property('code', 'KEYFILE_PASSPHRASE');
  });

  it('rejects a --kdf-cost that is not a power of two in range (exit 2)', async () => {
    const env = { HOTLINE_KEY_PASSPHRASE: PASSPHRASE };
    for (const cost of ['1000', '1', `${2 ** 21}`, 'lots']) {
      const io = capturedIo({ cwd: dir, env });
      expect(await main(['keygen', '--out', 'k.json', '--kdf-cost', cost], io)).to.equal(
        EXIT_USAGE,
      );
    }
    const clear = capturedIo({ cwd: dir });
    expect(await main(['keygen', '--unencrypted', '--kdf-cost', '1024'], clear)).to.equal(
      EXIT_USAGE,
    );
    expect(() => statSync(join(dir, 'k.json'))).to.throw();
  });

  it('prints the public key and the path', async () => {
    const io = capturedIo({ cwd: dir });
    expect(await main(['keygen', '--unencrypted', '--out', 'k.json'], io)).to.equal(EXIT_OK);
    const secret = readKeyFile(join(dir, 'k.json'));
    expect(io.stdout).to.include(toHex(publicKeyOf(secret)));
    expect(io.stdout).to.include(join(dir, 'k.json'));
    expect(io.stdout).to.include('NOT encrypted');
  });

  it('exits 2 without a passphrase or --unencrypted, and writes nothing', async () => {
    for (const env of [{}, { HOTLINE_KEY_PASSPHRASE: '' }] as Record<string, string>[]) {
      const io = capturedIo({ cwd: dir, env });
      expect(await main(['keygen', '--out', 'k.json'], io)).to.equal(EXIT_USAGE);
      expect(io.stderr).to.include('HOTLINE_KEY_PASSPHRASE').and.include('--unencrypted');
      expect(() => statSync(join(dir, 'k.json'))).to.throw();
    }
  });

  it('refuses to replace a key file (exit 1) unless --force', async () => {
    const path = join(dir, 'k.json');
    writeFileSync(path, 'an existing key');
    const io = capturedIo({ cwd: dir });
    expect(await main(['keygen', '--unencrypted', '--out', path], io)).to.equal(EXIT_FAILURE);
    expect(io.stderr).to.include('--force');
    expect(readFileSync(path, 'utf8')).to.equal('an existing key');

    const forced = capturedIo({ cwd: dir });
    expect(
      await main(['keygen', '--unencrypted', '--out', path, '--force', '--json'], forced),
    ).to.equal(EXIT_OK);
    const { publicKey } = JSON.parse(forced.stdout) as { publicKey: string };
    expect(toHex(publicKeyOf(readKeyFile(path)))).to.equal(publicKey);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
  });
});
