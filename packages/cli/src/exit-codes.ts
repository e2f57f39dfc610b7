// The exit codes of `hotline` (README "Exit codes").

/** The command did what it was asked; the relay stopped cleanly. */
export const EXIT_OK = 0;
/** A runtime failure: the relay could not start or stop, a conformance check failed. */
export const EXIT_FAILURE = 1;
/** A usage or configuration error: nothing was started. */
export const EXIT_USAGE = 2;
