// `hotline relay`: prepares the data directory, loads or creates the relay key,
// opens the SQLite store, starts the relay, and shuts it down gracefully on SIGTERM
// or SIGINT (a second signal exits at once).

import { toHex } from '@hotline/codec';
import {
  openSqliteStore,
  openThreadedSqliteStore,
  type Relay,
  type RelayStore,
  startRelay,
} from '@hotline/relay';
import { publicKeyOf } from '@hotline/signer';
import pino, { type Logger } from 'pino';
import type { RelayConfig } from './config.js';
import { loadOrCreateRelayKey, prepareDataDir } from './data-dir.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';

/** JSON lines on stdout, written synchronously so that no line is lost at exit. */
export function createLogger(level: string): Logger {
  return pino({ level }, pino.destination({ dest: 1, sync: true }));
}

function logFailure(log: Logger, err: unknown, message: string): void {
  const code = (err as { code?: unknown } | null)?.code;
  log.fatal({ err, ...(typeof code === 'string' ? { code } : {}) }, message);
}

function describeConfig(config: RelayConfig): Record<string, unknown> {
  return {
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    founders:
      config.founders.mode === 'open' ? 'open' : config.founders.keys.map((key) => toHex(key)),
    logLevel: config.logLevel,
    verifyWorkers: config.verifyWorkers ?? 'default',
    threadedStore: config.threadedStore,
    limits: config.limits,
    configFile: config.configFile ?? null,
    // Only what the operator set; the rest are defaults.
    setBy: Object.fromEntries(
      Object.entries(config.sources).filter(([, source]) => source !== 'default'),
    ),
  };
}

/** Starts the relay; resolves, with the exit code, once it has stopped. */
export async function runRelay(
  config: RelayConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<number> {
  log.info({ config: describeConfig(config) }, 'relay config');

  // Signals are handled from the start: one that arrives while the relay starts
  // stops it as soon as it listens, and never kills it halfway.
  let signalled = false;
  let stopRequested: () => void = () => {};
  const stop = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.fatal({ signal }, 'second signal: exiting at once, in-flight work abandoned');
      process.exit(EXIT_FAILURE);
    }
    signalled = true;
    log.info({ signal }, 'shutting down: finishing in-flight commits');
    stopRequested();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let store: RelayStore | undefined;
  let relay: Relay;
  try {
    const dir = prepareDataDir(config.dataDir);
    if (dir.exposed) {
      log.warn(
        { dataDir: dir.path },
        'the data directory is accessible to group or others: chmod 700 it (it holds the relay key)',
      );
    }
    const key = loadOrCreateRelayKey(dir.keyFile);
    const relayKey = toHex(publicKeyOf(key.secretKey));
    if (key.created) {
      log.info(
        { relay: relayKey, keyFile: dir.keyFile },
        'relay key generated and written (mode 0600, not encrypted): keep the data directory private and back it up',
      );
    } else {
      log.info({ relay: relayKey, keyFile: dir.keyFile }, 'relay key loaded');
      if (key.exposed) {
        log.warn(
          { keyFile: dir.keyFile },
          'the relay key file is accessible to group or others: chmod 600 it',
        );
      }
    }
    if (config.founders.mode === 'allowlist' && config.founders.keys.length === 0) {
      log.warn(
        { founders: [] },
        'NO FOUNDERS ALLOWED: nobody can found a channel on this relay. Allow keys with ' +
          '--founders <hex,hex,…> (env HOTLINE_FOUNDERS, config "founders"), ' +
          'or use --founders open for local trials',
      );
    }
    store = config.threadedStore
      ? openThreadedSqliteStore(dir.storeFile)
      : openSqliteStore(dir.storeFile);
    relay = await startRelay({
      secretKey: key.secretKey,
      store,
      founders: config.founders,
      host: config.host,
      port: config.port,
      limits: config.limits,
      logger: log,
      processMetrics: true,
      ...(config.verifyWorkers === undefined ? {} : { verifyWorkers: config.verifyWorkers }),
    });
  } catch (error) {
    logFailure(log, error, 'relay failed to start');
    await store?.close().catch(() => {});
    return EXIT_FAILURE;
  }
  // The relay's state is unknown after an error nobody caught: log it and stop.
  process.on('uncaughtException', (error) => {
    logFailure(log, error, 'uncaught exception');
    process.exit(EXIT_FAILURE);
  });

  await stop;
  try {
    await relay.close();
    return EXIT_OK;
  } catch (error) {
    logFailure(log, error, 'shutdown failed');
    return EXIT_FAILURE;
  }
}
