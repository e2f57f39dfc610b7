// `hotline conformance <ws-url>`: runs the relay conformance suite of
// @hotline/conformance against a relay. The runner is loaded at run time, so the
// relay command works where the runner is not installed.

import { readKeyFile } from '@hotline/signer';
import { ConfigError } from './config-error.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';

export interface ConformanceResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface ConformanceReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly ConformanceResult[];
}

export type RunConformance = (options: {
  url: string;
  founderSecret?: Uint8Array;
  log?: (line: string) => void;
}) => Promise<ConformanceReport>;

/** A non-literal specifier: the type checker does not require the package to exist. */
const CONFORMANCE_PACKAGE: string = '@hotline/conformance';

/** Thrown when @hotline/conformance is not installed or not built. */
export class ConformanceUnavailableError extends Error {
  override readonly name = 'ConformanceUnavailableError';
  readonly code = 'CONFORMANCE_NOT_BUILT';
}

export async function loadConformanceRunner(): Promise<RunConformance> {
  let module: { runConformance?: unknown };
  try {
    module = (await import(CONFORMANCE_PACKAGE)) as { runConformance?: unknown };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ConformanceUnavailableError(
        `the conformance runner (${CONFORMANCE_PACKAGE}) is not built or not installed: ` +
          'run `npm ci && npm run build` at the repository root',
        { cause },
      );
    }
    throw cause;
  }
  if (typeof module.runConformance !== 'function') {
    throw new ConformanceUnavailableError(
      `${CONFORMANCE_PACKAGE} does not export runConformance: rebuild it`,
    );
  }
  return module.runConformance as RunConformance;
}

/** Checks the relay URL: ws:// or wss://. Throws ConfigError. */
export function parseRelayUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('CONFIG_INVALID_VALUE', `not a URL: "${text}"`, 'url');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `the relay URL must start with ws:// or wss://, got "${text}"`,
      'url',
    );
  }
  return url.href;
}

export interface ConformanceCommand {
  readonly url: string;
  /** A key file whose key the relay lets found channels (its allowlist). */
  readonly founderKeyFile?: string;
  /** Passphrase of an encrypted founder key file. */
  readonly passphrase?: string;
  readonly out: (line: string) => void;
}

export async function runConformanceCommand(command: ConformanceCommand): Promise<number> {
  const run = await loadConformanceRunner();
  const founderSecret =
    command.founderKeyFile === undefined
      ? undefined
      : readKeyFile(command.founderKeyFile, command.passphrase);
  const report = await run({
    url: command.url,
    ...(founderSecret === undefined ? {} : { founderSecret }),
    log: command.out,
  });
  // The runner logs one line per check (with the failure's detail); add the summary.
  command.out(`${report.passed} passed, ${report.failed} failed`);
  return report.failed === 0 && report.passed > 0 ? EXIT_OK : EXIT_FAILURE;
}
