// The command line in process: exit codes of usage errors and help, and the
// conformance command's wiring. Nothing here starts a relay.

import { expect } from 'chai';
import { EXIT_OK, EXIT_USAGE } from '../src/exit-codes.ts';
import { type MainIo, main } from '../src/main.ts';
import { loadConformanceRunner } from '../src/run-conformance.ts';

function io(env: Record<string, string> = {}): MainIo & { stdout: string; stderr: string } {
  const captured = {
    env,
    cwd: '/nonexistent',
    stdout: '',
    stderr: '',
    out: (text: string) => {
      captured.stdout += text;
    },
    err: (text: string) => {
      captured.stderr += text;
    },
  };
  return captured;
}

describe('hotline command line', () => {
  it('help exits 0 and lists every relay option with its environment variable', async () => {
    const streams = io();
    expect(await main(['relay', '--help'], streams)).to.equal(EXIT_OK);
    for (const flag of ['--data-dir', '--founders', '--max-pending-outbound-bytes']) {
      expect(streams.stdout).to.include(flag);
    }
    expect(streams.stdout).to.include('HOTLINE_MAX_PENDING_OUTBOUND_BYTES');
  });

  it('usage errors exit 2 and start nothing', async () => {
    // cwd does not exist: had anything started, creating the data dir would fail with 1.
    expect(await main([], io())).to.equal(EXIT_USAGE);
    expect(await main(['serve'], io())).to.equal(EXIT_USAGE);
    expect(await main(['relay', '--port'], io())).to.equal(EXIT_USAGE);
    expect(await main(['relay', 'extra'], io())).to.equal(EXIT_USAGE);
    expect(await main(['relay', '--idle-timeout', '1000'], io())).to.equal(EXIT_USAGE);
    expect(await main(['relay'], io({ HOTLINE_LOG_LEVEL: 'loud' }))).to.equal(EXIT_USAGE);
    expect(await main(['conformance'], io())).to.equal(EXIT_USAGE);
    const streams = io();
    expect(await main(['conformance', 'http://127.0.0.1:7400'], streams)).to.equal(EXIT_USAGE);
    expect(streams.stderr).to.not.equal('');
  });

  it('finds the conformance runner', async () => {
    expect(await loadConformanceRunner()).to.be.a('function');
  });
});
