// Alarms: what a client raises when someone misbehaves, each carrying the evidence
// a third party needs to check the claim offline. Evidence is signed wherever the
// protocol allows: an equivocating sender is convicted by its own two signatures,
// an equivocating relay by two of its checkpoints. Some relay misbehaviour leaves no
// signature (a deliver frame is unsigned): those alarms say so in `signed`.

export type AlarmType =
  /** A sender signed two envelopes for one seq (or one naming another predecessor). */
  | 'fork'
  /** A sender's seq is missing and no relay filled it in time. */
  | 'gap'
  /** A relay signed two checkpoints that cannot both be true. */
  | 'relay-equivocation'
  /** A relay's signed checkpoint does not match the log it delivered to us. */
  | 'relay-log-mismatch'
  /** A relay signed a log longer than it delivers to us, for longer than the grace period. */
  | 'relay-withholding'
  /** A relay claims a shorter log (or no channel) after it signed or delivered a longer one. */
  | 'relay-rollback'
  /** A relay sent bytes that fail verification (altered envelope, bad checkpoint or receipt). */
  | 'relay-tampered'
  /** A relay refused our envelope in a way only a fork or a lost log explains. */
  | 'relay-refused'
  /** A member signed an envelope the channel's rules refuse (a bad body, a refused transition). */
  | 'body-invalid'
  /** No heartbeat from a member for 2.5 intervals (spec/12-semantics.md §4). */
  | 'peer-silent'
  /**
   * A member's key was revoked (spec/kinds/keys.md §5): the envelopes it signed from
   * `effectiveFrom` on, already received, are void. Evidence: the key-revoke first,
   * then those envelopes.
   */
  | 'key-revoked';

export interface AlarmEvidence {
  /** Envelope bytes (signed by their senders). */
  readonly envelopes?: readonly Uint8Array[];
  /** Checkpoint bytes (signed by the relay). */
  readonly checkpoints?: readonly Uint8Array[];
  /** A consistency proof the relay gave for two of the checkpoints. */
  readonly consistency?: {
    readonly fromSize: number;
    readonly toSize: number;
    readonly proof: readonly Uint8Array[];
  };
  /** Unsigned bytes as received (an altered envelope), for the record. */
  readonly received?: Uint8Array;
}

export interface Alarm {
  readonly type: AlarmType;
  readonly channel: Uint8Array;
  /** The relay concerned (relay-* alarms), hex. */
  readonly relay?: string;
  /** The sender concerned (fork, gap), hex. */
  readonly sender?: string;
  /** The error code of the failed check, when one applies. */
  readonly code?: string;
  readonly detail: string;
  /** True when the evidence alone, signatures checked, proves the claim. */
  readonly signed: boolean;
  readonly evidence: AlarmEvidence;
  /** Client clock, ms. */
  readonly time: number;
}
