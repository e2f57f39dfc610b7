// Subscribing from a scenario: the request, and which frames belong to it.

import type { Frame } from '@hotline/codec';
import type { Channel } from './channel.js';
import type { RelayClient } from './client.js';

/** Sends a subscribe for `channel` from `cursor`; returns its request id. */
export function subscribe(client: RelayClient, channel: Channel, cursor: number): number {
  const requestId = client.nextRequestId();
  client.send({ type: 'subscribe', requestId, channel: channel.id as never, cursor });
  return requestId;
}

/** Frames of subscription `requestId`, and connection-level errors (id 0). */
export const forSubscription =
  (requestId: number) =>
  (frame: Frame): boolean =>
    frame.requestId === requestId || (frame.type === 'error' && frame.requestId === 0);
