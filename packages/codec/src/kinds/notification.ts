// Kind notification (6), spec/kinds/notification.md: advance notice of an activity
// the other side could misread — a missile launch, an exercise, a manoeuvre —
// with its window and its areas, as in the 1988 ballistic-missile launch
// notification agreement (launch and impact areas, at least 24 hours ahead) and
// the 1972 INCSEA agreement (notices of actions dangerous to navigation or
// aircraft, 3 to 5 days ahead). The lead time is the receiving client's to check
// against the charter; the decoder checks the body.

import type { CborValue } from '../lib/cbor.js';
import {
  type Area,
  area,
  BODY_LIMITS,
  decodeBody,
  encodeArea,
  encodeBody,
  encodeTextBlock,
  encodeWindow,
  field,
  invalid,
  list,
  malformed,
  oneOf,
  type Reader,
  record,
  type TextBlock,
  text,
  textBlock,
  type Window,
  window,
} from './common.js';

/** Activity types (field 1), a registry of spec/kinds/notification.md §3. */
export const NOTIFICATION_ACTIVITY = Object.freeze({
  'missile-launch': 1,
  'military-exercise': 2,
  'naval-manoeuvre': 3,
  'air-activity': 4,
  'space-launch': 5,
  other: 6,
} as const);
export type NotificationActivity = keyof typeof NOTIFICATION_ACTIVITY;

const ACTIVITY_NAME = new Map<number, NotificationActivity>(
  Object.entries(NOTIFICATION_ACTIVITY).map(([name, value]) => [
    value,
    name as NotificationActivity,
  ]),
);

/** A window that ends: a notified activity is never open-ended. */
export interface NotificationWindow extends Window {
  readonly until: number;
}

export interface NotificationBody {
  readonly activity: NotificationActivity;
  /** When the activity takes place, from and until (both required). */
  readonly window: NotificationWindow;
  /** 1 to 16 areas where the activity starts or takes place: launch, exercise, manoeuvre areas. */
  readonly originAreas: readonly Area[];
  /**
   * 1 to 16 areas its effects reach: impact areas, splash-down and debris zones,
   * danger areas. Required for a missile launch; absent: none stated.
   */
  readonly affectedAreas?: readonly Area[];
  /** What the activity is; required for activity `other`. */
  readonly description?: TextBlock;
  /** The sender's own reference for the notice (e.g. its notice number), 1 to 256 bytes. */
  readonly reference?: string;
}

const activityValue = oneOf([...ACTIVITY_NAME.keys()]);
const activity: Reader<NotificationActivity> = (value, path) =>
  ACTIVITY_NAME.get(activityValue(value, path))!;

const closedWindow: Reader<NotificationWindow> = (value, path) => {
  const w = window(value, path);
  if (w.until === undefined) malformed(`${path}.until`, 'missing: a notified activity ends');
  return w as NotificationWindow;
};

const areas = list(area, BODY_LIMITS.MAX_AREAS, 1);

const readNotification: Reader<NotificationBody> = (value, path) => {
  const read = record<NotificationBody>({
    activity: field(1, activity),
    window: field(2, closedWindow),
    originAreas: field(3, areas),
    affectedAreas: field(4, areas, true),
    description: field(5, textBlock, true),
    reference: field(6, text(BODY_LIMITS.MAX_LABEL_BYTES), true),
  })(value, path);
  // Whole-body rules, after every present field and every required key.
  if (read.activity === 'missile-launch' && read.affectedAreas === undefined) {
    invalid('affectedAreas', 'missing: a missile launch states its impact areas');
  }
  if (read.activity === 'other' && read.description === undefined) {
    invalid('description', 'missing: activity "other" is described');
  }
  return read;
};

/**
 * Decodes a notification body (spec/kinds/notification.md §4): a CBOR_* or
 * BODY_* HotlineError if invalid. Does not check the lead time.
 */
export function decodeNotificationBody(body: Uint8Array): NotificationBody {
  return decodeBody(body, readNotification);
}

/**
 * Encodes a notification body, areas in the order given. Input the decoder would
 * refuse throws the decoder's HotlineError (the encoder decodes its own output); a
 * value of the wrong JavaScript type (an unknown activity name) throws TypeError, a
 * number that is not a safe integer RangeError.
 */
export function encodeNotificationBody(value: NotificationBody): Uint8Array {
  const map = new Map<number, CborValue>([
    [1, NOTIFICATION_ACTIVITY[value.activity]],
    [2, encodeWindow(value.window)],
    [3, value.originAreas.map(encodeArea)],
  ]);
  if (value.affectedAreas !== undefined) map.set(4, value.affectedAreas.map(encodeArea));
  if (value.description !== undefined) map.set(5, encodeTextBlock(value.description));
  if (value.reference !== undefined) map.set(6, value.reference);
  const body = encodeBody(map);
  decodeNotificationBody(body);
  return body;
}
