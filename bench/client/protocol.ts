// What bench/client.ts and its child processes (a relay, or a bare ws forwarder)
// say to each other over IPC.

export type ToChild = { readonly type: 'stats' } | { readonly type: 'exit' };

export interface ChildStats {
  /** CPU of the whole child process since it started (all threads), ms. */
  readonly cpuMs: number;
  /** Relay only: group commits so far, their total duration (ms) and the entries they carried. */
  readonly commits?: number;
  readonly commitMs?: number;
  readonly entries?: number;
}

export type FromChild =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'stats'; readonly stats: ChildStats };
