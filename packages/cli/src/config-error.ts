// A usage or configuration error: the command line, the environment or the config
// file asked for something invalid. The CLI prints it and exits with code 2.

export type ConfigErrorCode =
  /** A value out of range, of the wrong type, or inconsistent with another. */
  | 'CONFIG_INVALID_VALUE'
  /** A config file key that names no setting. */
  | 'CONFIG_UNKNOWN_KEY'
  /** The config file could not be read. */
  | 'CONFIG_FILE_UNREADABLE'
  /** The config file is not a JSON object. */
  | 'CONFIG_FILE_MALFORMED';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    /** The setting at fault, when there is one. */
    readonly setting?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
