// The statement kinds — text (3), assurance (4), redline (5), notification (6),
// incident (7) — against spec/kinds/*.md: one test per check (code and field path),
// bodies written by hand (helpers.ts, independent of the codec's encoder), the
// encoders' refusals, fast-check round trips and mutations, and the shared vectors
// test-vectors/kinds/statements.json run here independently of their generator.

import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  type Area,
  type AssuranceBody,
  decodeAssuranceBody,
  decodeIncidentBody,
  decodeNotificationBody,
  decodeRedlineBody,
  decodeTextBody,
  type ErrorCode,
  encodeAssuranceBody,
  encodeIncidentBody,
  encodeNotificationBody,
  encodeRedlineBody,
  encodeTextBody,
  fromHex,
  HotlineError,
  type IncidentBody,
  NOTIFICATION_ACTIVITY,
  type NotificationActivity,
  type NotificationBody,
  type RedlineBody,
  type TextBlock,
  type TextBody,
  toHex,
} from '../src/index.js';
import { array, cat, expectCode, hex, map, nint, tstr, uint } from './helpers.js';

const SEED = 0x57a7e;

// ------------------------------------------------------------ hand-written CBOR

type Entries = ReadonlyMap<number, Uint8Array>;

/** A body map with uint keys ascending. */
const bodyOf = (entries: Entries): Uint8Array =>
  map(
    ...[...entries.keys()]
      .sort((a, b) => a - b)
      .map((key): [Uint8Array, Uint8Array] => [uint(key), entries.get(key)!]),
  );
/** `entries` with `key` set to `value`, or removed when `value` is undefined. */
function edited(entries: Entries, key: number, value?: Uint8Array): Entries {
  const out = new Map(entries);
  if (value === undefined) out.delete(key);
  else out.set(key, value);
  return out;
}
const int = (n: number): Uint8Array => (n < 0 ? nint(n) : uint(n));
const tb = (language: string, text: string): Uint8Array =>
  map([uint(1), tstr(language)], [uint(2), tstr(text)]);
const win = (from: number, until?: number): Uint8Array =>
  until === undefined
    ? map([uint(1), uint(from)])
    : map([uint(1), uint(from)], [uint(2), uint(until)]);
const pt = (lat: number, lon: number): Uint8Array => array(int(lat), int(lon));
const circle = (lat: number, lon: number, radius: number): Uint8Array =>
  map([uint(1), uint(1)], [uint(2), pt(lat, lon)], [uint(3), uint(radius)]);
const polygon = (...points: Uint8Array[]): Uint8Array =>
  map([uint(1), uint(2)], [uint(2), array(...points)]);
const times = (n: number, item: Uint8Array): Uint8Array[] => Array.from({ length: n }, () => item);

const T = 1_761_523_200_000; // 2025-10-27T00:00:00Z
const DAY = 86_400_000;
const EN = tb('en', 'We will not conduct exercises in the agreed zone.');
const ZONE = circle(54_500_000, 19_800_000, 50_000);

const TEXT: Entries = new Map([
  [1, EN],
  [2, array(tb('ru', 'Мы не будем проводить учения.'), tb('fr', 'Nous ne ferons pas.'))],
]);
const ASSURANCE: Entries = new Map([
  [1, EN],
  [2, tstr('Baltic Sea, east of 18 E')],
  [3, win(T, T + 30 * DAY)],
  [4, array(tb('en', 'Reciprocity.'), tb('EN', 'No third-party forces enter the zone.'))],
]);
const REDLINE: Entries = new Map([
  [1, tb('en', 'No warship enters the 12-mile zone of island X.')],
  [2, tstr('island X')],
  [3, win(T)],
  [4, uint(1)],
  [5, tb('en', 'Such a ship will be escorted out.')],
]);
const NOTIFICATION: Entries = new Map([
  [1, uint(1)],
  [2, win(T + 2 * DAY, T + 2 * DAY + 3_600_000)],
  [3, array(circle(64_500_000, 40_500_000, 5_000))],
  [
    4,
    array(
      polygon(
        pt(69_000_000, 170_000_000),
        pt(70_000_000, 172_000_000),
        pt(69_000_000, 174_000_000),
      ),
    ),
  ],
  [5, tb('en', 'Test launch of one missile.')],
  [6, tstr('NOTICE 2025/117')],
]);
const INCIDENT: Entries = new Map([
  [1, uint(T - 3_600_000)],
  [2, ZONE],
  [3, array(tstr('destroyer A-12'), tstr('patrol aircraft P-3'))],
  [4, tb('en', 'The aircraft passed 30 m above the destroyer.')],
  [5, uint(1)],
  [6, array(tb('en', 'Was the pass ordered?'))],
]);

interface Kind<T> {
  readonly name: string;
  readonly base: Entries;
  readonly decode: (body: Uint8Array) => T;
  readonly encode: (value: T) => Uint8Array;
}
const KINDS = {
  text: { name: 'text', base: TEXT, decode: decodeTextBody, encode: encodeTextBody },
  assurance: {
    name: 'assurance',
    base: ASSURANCE,
    decode: decodeAssuranceBody,
    encode: encodeAssuranceBody,
  },
  redline: { name: 'redline', base: REDLINE, decode: decodeRedlineBody, encode: encodeRedlineBody },
  notification: {
    name: 'notification',
    base: NOTIFICATION,
    decode: decodeNotificationBody,
    encode: encodeNotificationBody,
  },
  incident: {
    name: 'incident',
    base: INCIDENT,
    decode: decodeIncidentBody,
    encode: encodeIncidentBody,
  },
} as const;

/** Requires `fn` to throw `code` at the field path `field`. */
function expectField(fn: () => unknown, code: ErrorCode, field: string): void {
  const error = expectCode(fn, code);
  expect(error.field, 'field').to.equal(field);
}

/** [what is wrong, entries, code, field] */
type Case = readonly [string, Entries, ErrorCode, string];

function checks<T>(kind: Kind<T>, cases: readonly Case[]): void {
  describe(`${kind.name}: decoder checks`, () => {
    it('decodes the base body, and the encoder gives back its bytes', () => {
      const bytes = bodyOf(kind.base);
      expect(hex(kind.encode(kind.decode(bytes)))).to.equal(hex(bytes));
    });
    it('a body that is not a map: BODY_MALFORMED at body', () => {
      expectField(() => kind.decode(array(uint(1))), 'BODY_MALFORMED', 'body');
    });
    it('an unknown key 9: BODY_MALFORMED at the root', () => {
      expectField(() => kind.decode(bodyOf(edited(kind.base, 9, uint(0)))), 'BODY_MALFORMED', '');
    });
    for (const [what, entries, code, field] of cases) {
      it(`${what}: ${code} at ${field}`, () => {
        expectField(() => kind.decode(bodyOf(entries)), code, field);
      });
    }
  });
}

// ------------------------------------------------------------------ the checks

const TEXT_LONG = 'x'.repeat(16_385);
const LABEL_LONG = `${'é'.repeat(128)}x`; // 257 bytes

checks(KINDS.text, [
  ['no authoritative text', edited(TEXT, 1), 'BODY_MALFORMED', 'authoritative'],
  [
    'the authoritative text is a string',
    edited(TEXT, 1, tstr('hi')),
    'BODY_MALFORMED',
    'authoritative',
  ],
  ['language "e"', edited(TEXT, 1, tb('e', 'hi')), 'BODY_INVALID', 'authoritative.language'],
  [
    'language "en_GB"',
    edited(TEXT, 1, tb('en_GB', 'hi')),
    'BODY_INVALID',
    'authoritative.language',
  ],
  ['an empty text', edited(TEXT, 1, tb('de', '')), 'BODY_INVALID', 'authoritative.text'],
  [
    'a text of 16385 bytes',
    edited(TEXT, 1, tb('de', TEXT_LONG)),
    'BODY_LIMIT',
    'authoritative.text',
  ],
  ['translations is a map', edited(TEXT, 2, map()), 'BODY_MALFORMED', 'translations'],
  ['no translation in the list', edited(TEXT, 2, array()), 'BODY_INVALID', 'translations'],
  [
    '9 translations',
    edited(
      TEXT,
      2,
      array(...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((c) => tb(`x${c}`, 't'))),
    ),
    'BODY_LIMIT',
    'translations',
  ],
  [
    'a translation in the authoritative language',
    edited(TEXT, 2, array(tb('en', 'again'))),
    'BODY_INVALID',
    'translations[0].language',
  ],
  [
    'a translation in the authoritative language, in other case (tags ignore case)',
    edited(TEXT, 2, array(tb('ru', 'да'), tb('EN', 'again'))),
    'BODY_INVALID',
    'translations[1].language',
  ],
  [
    'two translations in one language',
    edited(TEXT, 2, array(tb('ru', 'да'), tb('fr', 'oui'), tb('Ru', 'да'))),
    'BODY_INVALID',
    'translations[2].language',
  ],
  [
    'a repeated language before an empty text: depth first, the language comes first',
    edited(TEXT, 2, array(tb('en', 'x'), tb('fr', ''))),
    'BODY_INVALID',
    'translations[0].language',
  ],
  [
    'translations without an authoritative text: the missing key is reported after them',
    edited(TEXT, 1),
    'BODY_MALFORMED',
    'authoritative',
  ],
]);

checks(KINDS.assurance, [
  ['no undertaking', edited(ASSURANCE, 1), 'BODY_MALFORMED', 'undertaking'],
  ['no scope', edited(ASSURANCE, 2), 'BODY_MALFORMED', 'scope'],
  ['no validity', edited(ASSURANCE, 3), 'BODY_MALFORMED', 'validity'],
  ['a scope as bytes', edited(ASSURANCE, 2, cat([0x41, 0x61])), 'BODY_MALFORMED', 'scope'],
  ['an empty scope', edited(ASSURANCE, 2, tstr('')), 'BODY_INVALID', 'scope'],
  ['a scope of 257 bytes', edited(ASSURANCE, 2, tstr(LABEL_LONG)), 'BODY_LIMIT', 'scope'],
  [
    'a validity without from',
    edited(ASSURANCE, 3, map([uint(2), uint(T)])),
    'BODY_MALFORMED',
    'validity.from',
  ],
  [
    'a validity that ends as it starts',
    edited(ASSURANCE, 3, win(T, T)),
    'BODY_INVALID',
    'validity.until',
  ],
  [
    'a validity that ends before it starts',
    edited(ASSURANCE, 3, win(T, T - 1)),
    'BODY_INVALID',
    'validity.until',
  ],
  ['no condition in the list', edited(ASSURANCE, 4, array()), 'BODY_INVALID', 'conditions'],
  [
    '33 conditions',
    edited(ASSURANCE, 4, array(...times(33, tb('en', 'c')))),
    'BODY_LIMIT',
    'conditions',
  ],
  [
    'a condition in another language than the undertaking',
    edited(ASSURANCE, 4, array(tb('en', 'c'), tb('ru', 'у'))),
    'BODY_INVALID',
    'conditions[1].language',
  ],
  [
    'a condition that is not a text block',
    edited(ASSURANCE, 4, array(tstr('c'))),
    'BODY_MALFORMED',
    'conditions[0]',
  ],
]);

checks(KINDS.redline, [
  ['no line', edited(REDLINE, 1), 'BODY_MALFORMED', 'line'],
  ['no scope', edited(REDLINE, 2), 'BODY_MALFORMED', 'scope'],
  ['no validity', edited(REDLINE, 3), 'BODY_MALFORMED', 'validity'],
  ['no disclosure', edited(REDLINE, 4), 'BODY_MALFORMED', 'disclosure'],
  ['disclosure as text', edited(REDLINE, 4, tstr('stated')), 'BODY_MALFORMED', 'disclosure'],
  ['disclosure -1', edited(REDLINE, 4, nint(-1)), 'BODY_MALFORMED', 'disclosure'],
  ['disclosure 2', edited(REDLINE, 4, uint(2)), 'BODY_INVALID', 'disclosure'],
  ['stated (1) without a consequence', edited(REDLINE, 5), 'BODY_INVALID', 'consequence'],
  ['withheld (0) with a consequence', edited(REDLINE, 4, uint(0)), 'BODY_INVALID', 'consequence'],
  [
    'withheld (0) with a consequence that lacks its text: its shape is checked first',
    edited(edited(REDLINE, 4, uint(0)), 5, map([uint(1), tstr('en')])),
    'BODY_MALFORMED',
    'consequence.text',
  ],
  [
    'a consequence in another language than the line',
    edited(REDLINE, 5, tb('fr', 'Escorté.')),
    'BODY_INVALID',
    'consequence.language',
  ],
  [
    'a consequence and no disclosure: the missing key',
    edited(REDLINE, 4),
    'BODY_MALFORMED',
    'disclosure',
  ],
  ['an empty scope', edited(REDLINE, 2, tstr('')), 'BODY_INVALID', 'scope'],
  [
    'a validity that ends before it starts',
    edited(REDLINE, 3, win(T, 1)),
    'BODY_INVALID',
    'validity.until',
  ],
]);

const POLY_REPEAT = polygon(pt(1, 1), pt(2, 2), pt(2, 2));
const POLY_CLOSED = polygon(pt(1, 1), pt(2, 2), pt(3, 1), pt(1, 1));

checks(KINDS.notification, [
  ['no activity', edited(NOTIFICATION, 1), 'BODY_MALFORMED', 'activity'],
  ['activity 0', edited(NOTIFICATION, 1, uint(0)), 'BODY_INVALID', 'activity'],
  ['activity 7', edited(NOTIFICATION, 1, uint(7)), 'BODY_INVALID', 'activity'],
  ['no window', edited(NOTIFICATION, 2), 'BODY_MALFORMED', 'window'],
  ['a window without until', edited(NOTIFICATION, 2, win(T)), 'BODY_MALFORMED', 'window.until'],
  [
    'a window that ends before it starts',
    edited(NOTIFICATION, 2, win(T, T - 1)),
    'BODY_INVALID',
    'window.until',
  ],
  ['no origin areas', edited(NOTIFICATION, 3), 'BODY_MALFORMED', 'originAreas'],
  [
    'an empty list of origin areas',
    edited(NOTIFICATION, 3, array()),
    'BODY_INVALID',
    'originAreas',
  ],
  [
    '17 origin areas',
    edited(NOTIFICATION, 3, array(...times(17, ZONE))),
    'BODY_LIMIT',
    'originAreas',
  ],
  [
    'an origin area is one circle, not a list',
    edited(NOTIFICATION, 3, ZONE),
    'BODY_MALFORMED',
    'originAreas',
  ],
  [
    'a radius of 0 m',
    edited(NOTIFICATION, 3, array(ZONE, circle(0, 0, 0))),
    'BODY_INVALID',
    'originAreas[1].radius',
  ],
  [
    'a radius of 20037510 m',
    edited(NOTIFICATION, 3, array(circle(0, 0, 20_037_510))),
    'BODY_LIMIT',
    'originAreas[0].radius',
  ],
  [
    'latitude 90.000001',
    edited(NOTIFICATION, 3, array(circle(90_000_001, 0, 1))),
    'BODY_INVALID',
    'originAreas[0].centre.lat',
  ],
  [
    'longitude 180',
    edited(NOTIFICATION, 3, array(circle(0, 180_000_000, 1))),
    'BODY_INVALID',
    'originAreas[0].centre.lon',
  ],
  [
    'area shape 3',
    edited(NOTIFICATION, 3, array(map([uint(1), uint(3)]))),
    'BODY_INVALID',
    'originAreas[0].shape',
  ],
  [
    'an empty list of affected areas',
    edited(NOTIFICATION, 4, array()),
    'BODY_INVALID',
    'affectedAreas',
  ],
  [
    'a polygon that repeats a point',
    edited(NOTIFICATION, 4, array(POLY_REPEAT)),
    'BODY_INVALID',
    'affectedAreas[0].points[2]',
  ],
  [
    'a polygon closed explicitly',
    edited(NOTIFICATION, 4, array(POLY_CLOSED)),
    'BODY_INVALID',
    'affectedAreas[0].points[0]',
  ],
  [
    'a polygon of 2 points',
    edited(NOTIFICATION, 4, array(polygon(pt(1, 1), pt(2, 2)))),
    'BODY_INVALID',
    'affectedAreas[0].points',
  ],
  [
    'a missile launch without affected (impact) areas',
    edited(NOTIFICATION, 4),
    'BODY_INVALID',
    'affectedAreas',
  ],
  [
    'activity other (6) without a description',
    edited(edited(NOTIFICATION, 1, uint(6)), 5),
    'BODY_INVALID',
    'description',
  ],
  ['an empty reference', edited(NOTIFICATION, 6, tstr('')), 'BODY_INVALID', 'reference'],
  [
    'a reference of 257 bytes',
    edited(NOTIFICATION, 6, tstr(LABEL_LONG)),
    'BODY_LIMIT',
    'reference',
  ],
  [
    'a missile launch with neither origin nor affected areas: the missing key first',
    edited(edited(NOTIFICATION, 3), 4),
    'BODY_MALFORMED',
    'originAreas',
  ],
]);

checks(KINDS.incident, [
  ['no time', edited(INCIDENT, 1), 'BODY_MALFORMED', 'time'],
  ['a negative time', edited(INCIDENT, 1, nint(-1)), 'BODY_MALFORMED', 'time'],
  ['no place', edited(INCIDENT, 2), 'BODY_MALFORMED', 'place'],
  ['a place that is a point', edited(INCIDENT, 2, pt(0, 0)), 'BODY_MALFORMED', 'place'],
  [
    'a place of shape 0',
    edited(INCIDENT, 2, map([uint(1), uint(0)])),
    'BODY_INVALID',
    'place.shape',
  ],
  ['no parties', edited(INCIDENT, 3), 'BODY_MALFORMED', 'parties'],
  ['an empty list of parties', edited(INCIDENT, 3, array()), 'BODY_INVALID', 'parties'],
  [
    '33 parties',
    edited(INCIDENT, 3, array(...Array.from({ length: 33 }, (_, i) => tstr(`u${i}`)))),
    'BODY_LIMIT',
    'parties',
  ],
  ['an empty party', edited(INCIDENT, 3, array(tstr('a'), tstr(''))), 'BODY_INVALID', 'parties[1]'],
  [
    'a party of 257 bytes',
    edited(INCIDENT, 3, array(tstr(LABEL_LONG))),
    'BODY_LIMIT',
    'parties[0]',
  ],
  [
    'a party named twice',
    edited(INCIDENT, 3, array(tstr('a'), tstr('b'), tstr('a'))),
    'BODY_INVALID',
    'parties[2]',
  ],
  ['no description', edited(INCIDENT, 4), 'BODY_MALFORMED', 'description'],
  ['no clarification flag', edited(INCIDENT, 5), 'BODY_MALFORMED', 'clarificationRequested'],
  ['clarification 2', edited(INCIDENT, 5, uint(2)), 'BODY_INVALID', 'clarificationRequested'],
  [
    'questions without a request for clarification (0)',
    edited(INCIDENT, 5, uint(0)),
    'BODY_INVALID',
    'questions',
  ],
  ['an empty list of questions', edited(INCIDENT, 6, array()), 'BODY_INVALID', 'questions'],
  [
    '33 questions',
    edited(INCIDENT, 6, array(...times(33, tb('en', '?')))),
    'BODY_LIMIT',
    'questions',
  ],
  [
    'a question in another language than the description',
    edited(INCIDENT, 6, array(tb('en', 'Why?'), tb('ru', 'Почему?'))),
    'BODY_INVALID',
    'questions[1].language',
  ],
  [
    'a question that is a string',
    edited(INCIDENT, 6, array(tstr('Why?'))),
    'BODY_MALFORMED',
    'questions[0]',
  ],
]);

// ---------------------------------------------------------- accepted edge cases

describe('statements: bodies at the edges are accepted', () => {
  const accepts = <T>(kind: Kind<T>, entries: Entries) => {
    const bytes = bodyOf(entries);
    const value = kind.decode(bytes);
    // Nothing is normalised: the encoder gives back exactly the bytes decoded.
    expect(hex(kind.encode(value))).to.equal(hex(bytes));
    return value;
  };

  it('text: no translations; 8 translations; en and en-GB are different tags', () => {
    expect(accepts(KINDS.text, edited(TEXT, 2))).to.not.have.property('translations');
    const eight = ['fr', 'de', 'ru', 'uk', 'zh-Hans', 'ar', 'es', 'en-GB'].map((l) => tb(l, 't'));
    expect(accepts(KINDS.text, edited(TEXT, 2, array(...eight))).translations).to.have.length(8);
  });

  it('text: a text of 16384 bytes (4096 four-byte characters)', () => {
    expect(
      accepts(KINDS.text, new Map([[1, tb('en', '\u{1F6A8}'.repeat(4096))]])).authoritative.text,
    ).to.have.length(8192);
  });

  it('assurance: open-ended, unconditional; a condition tagged EN for an en undertaking', () => {
    const value = accepts(KINDS.assurance, edited(edited(ASSURANCE, 4), 3, win(0)));
    expect(value.validity).to.deep.equal({ from: 0 });
    expect(value).to.not.have.property('conditions');
    expect(accepts(KINDS.assurance, ASSURANCE).conditions?.[1]?.language).to.equal('EN');
  });

  it('assurance: 32 conditions; a scope of 256 bytes', () => {
    const value = accepts(
      KINDS.assurance,
      edited(edited(ASSURANCE, 4, array(...times(32, tb('en', 'c')))), 2, tstr('é'.repeat(128))),
    );
    expect(value.conditions).to.have.length(32);
  });

  it('redline: the consequence withheld (0), without a text', () => {
    const value = accepts(KINDS.redline, edited(edited(REDLINE, 5), 4, uint(0)));
    expect(value.disclosure).to.equal('withheld');
    expect(value).to.not.have.property('consequence');
  });

  it('notification: every activity type; only a missile launch needs affected areas', () => {
    for (const [name, value] of Object.entries(NOTIFICATION_ACTIVITY)) {
      const entries = edited(edited(NOTIFICATION, 1, uint(value)), 4);
      if (name === 'missile-launch') continue;
      expect(accepts(KINDS.notification, entries).activity).to.equal(name);
    }
  });

  it('notification: 16 areas each; polygons of 64 points; no description or reference', () => {
    const ring = Array.from({ length: 64 }, (_, i) => pt(i * 1000, (i % 2) * 1000));
    const entries = edited(
      edited(
        edited(
          edited(NOTIFICATION, 3, array(...times(16, ZONE))),
          4,
          array(...times(16, polygon(...ring))),
        ),
        5,
      ),
      6,
    );
    const value = accepts(KINDS.notification, entries);
    expect(value.originAreas).to.have.length(16);
    expect(value.affectedAreas?.[15]).to.deep.include({ shape: 'polygon' });
  });

  it('incident: clarification requested without questions; not requested', () => {
    expect(accepts(KINDS.incident, edited(INCIDENT, 6)).clarificationRequested).to.equal(true);
    const value = accepts(KINDS.incident, edited(edited(INCIDENT, 6), 5, uint(0)));
    expect(value.clarificationRequested).to.equal(false);
  });

  it('incident: 32 parties, 32 questions; a time of 0', () => {
    const parties = array(...Array.from({ length: 32 }, (_, i) => tstr(`unit ${i}`)));
    const value = accepts(
      KINDS.incident,
      edited(
        edited(edited(INCIDENT, 3, parties), 6, array(...times(32, tb('en', '?')))),
        1,
        uint(0),
      ),
    );
    expect(value.parties).to.have.length(32);
    expect(value.questions).to.have.length(32);
  });

  it('decoded values are frozen', () => {
    const value = decodeIncidentBody(bodyOf(INCIDENT));
    expect(Object.isFrozen(value)).to.equal(true);
    expect(Object.isFrozen(value.parties)).to.equal(true);
    expect(Object.isFrozen(value.description)).to.equal(true);
  });
});

// ------------------------------------------------------------------- encoders

describe('statements: encoders refuse what the decoders refuse', () => {
  const en = (text: string): TextBlock => ({ language: 'en', text });
  const window = { from: T, until: T + DAY };
  const place: Area = { shape: 'circle', centre: { lat: 0, lon: 0 }, radius: 10 };

  it('text: a translation in the authoritative language', () => {
    expectField(
      () => encodeTextBody({ authoritative: en('a'), translations: [en('b')] }),
      'BODY_INVALID',
      'translations[0].language',
    );
  });

  it('assurance: an empty list of conditions is refused (absent means unconditional)', () => {
    expectField(
      () =>
        encodeAssuranceBody({ undertaking: en('u'), scope: 's', validity: window, conditions: [] }),
      'BODY_INVALID',
      'conditions',
    );
  });

  it('redline: a stated consequence in another language', () => {
    expectField(
      () =>
        encodeRedlineBody({
          line: en('l'),
          scope: 's',
          validity: window,
          disclosure: 'stated',
          consequence: { language: 'fr', text: 'c' },
        }),
      'BODY_INVALID',
      'consequence.language',
    );
  });

  it('redline: a withheld consequence with a text (outside the type)', () => {
    const value = {
      line: en('l'),
      scope: 's',
      validity: window,
      disclosure: 'withheld',
      consequence: en('c'),
    } as unknown as RedlineBody;
    expectField(() => encodeRedlineBody(value), 'BODY_INVALID', 'consequence');
  });

  it('notification: an open-ended window (outside the type)', () => {
    const value = {
      activity: 'military-exercise',
      window: { from: T },
      originAreas: [place],
    } as unknown as NotificationBody;
    expectField(() => encodeNotificationBody(value), 'BODY_MALFORMED', 'window.until');
  });

  it('notification: an unknown activity name is a TypeError', () => {
    const value = {
      activity: 'parade' as NotificationActivity,
      window,
      originAreas: [place],
    };
    expect(() => encodeNotificationBody(value)).to.throw(TypeError);
  });

  it('incident: a time that is not an integer is a RangeError', () => {
    const value: IncidentBody = {
      time: 1.5,
      place,
      parties: ['a'],
      description: en('d'),
      clarificationRequested: false,
    };
    expect(() => encodeIncidentBody(value)).to.throw(RangeError);
  });

  it('incident: clarificationRequested that is not a boolean is a TypeError', () => {
    const value = {
      time: T,
      place,
      parties: ['a'],
      description: en('d'),
      clarificationRequested: 1,
    } as unknown as IncidentBody;
    expect(() => encodeIncidentBody(value)).to.throw(TypeError);
  });

  it('incident: questions without a request for clarification', () => {
    expectField(
      () =>
        encodeIncidentBody({
          time: T,
          place,
          parties: ['a'],
          description: en('d'),
          clarificationRequested: false,
          questions: [en('q')],
        }),
      'BODY_INVALID',
      'questions',
    );
  });
});

// ----------------------------------------------------------------- properties

const LANGUAGES = ['en', 'ru', 'fr', 'de', 'zh-Hans', 'ar', 'es', 'uk', 'ja', 'en-GB'];
const language = fc.constantFrom(...LANGUAGES);
const someText = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 });
const label = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });
const blockIn = (lang: fc.Arbitrary<string>) =>
  fc.record({ language: lang, text: someText }) as fc.Arbitrary<TextBlock>;
const time = fc.integer({ min: 0, max: 2 ** 45 });
const openWindow = fc
  .tuple(time, fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: undefined }))
  .map(([from, span]) => (span === undefined ? { from } : { from, until: from + span }));
const closedWindow = fc
  .tuple(time, fc.integer({ min: 1, max: 2 ** 40 }))
  .map(([from, span]) => ({ from, until: from + span }));
const point = fc.record({
  lat: fc.integer({ min: -90_000_000, max: 90_000_000 }),
  lon: fc.integer({ min: -180_000_000, max: 179_999_999 }),
});
const area: fc.Arbitrary<Area> = fc.oneof(
  fc.record({
    shape: fc.constant('circle' as const),
    centre: point,
    radius: fc.integer({ min: 1, max: 20_037_509 }),
  }),
  fc.record({
    shape: fc.constant('polygon' as const),
    // Distinct points: no point equals the one before it, nor the last the first.
    points: fc.uniqueArray(point, {
      minLength: 3,
      maxLength: 6,
      selector: (p) => `${p.lat},${p.lon}`,
    }),
  }),
);
const areas = fc.array(area, { minLength: 1, maxLength: 3 });

const textBody: fc.Arbitrary<TextBody> = fc
  .tuple(
    fc.shuffledSubarray(LANGUAGES, { minLength: 1, maxLength: 9 }),
    fc.array(someText, { minLength: 9, maxLength: 9 }),
  )
  .map(([langs, texts]) => {
    const [first, ...rest] = langs.map((l, i) => ({ language: l, text: texts[i]! }));
    return rest.length === 0
      ? { authoritative: first! }
      : { authoritative: first!, translations: rest };
  });

const assuranceBody: fc.Arbitrary<AssuranceBody> = language.chain((lang) =>
  fc.record(
    {
      undertaking: blockIn(fc.constant(lang)),
      scope: label,
      validity: openWindow,
      conditions: fc.array(blockIn(fc.constant(lang)), { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ['undertaking', 'scope', 'validity'] },
  ),
);

const redlineBody: fc.Arbitrary<RedlineBody> = language.chain((lang) =>
  fc
    .tuple(
      blockIn(fc.constant(lang)),
      label,
      openWindow,
      fc.option(blockIn(fc.constant(lang)), { nil: undefined }),
    )
    .map(
      ([line, scope, validity, consequence]): RedlineBody =>
        consequence === undefined
          ? { line, scope, validity, disclosure: 'withheld' }
          : { line, scope, validity, disclosure: 'stated', consequence },
    ),
);

const notificationBody: fc.Arbitrary<NotificationBody> = fc
  .record(
    {
      activity: fc.constantFrom(...(Object.keys(NOTIFICATION_ACTIVITY) as NotificationActivity[])),
      window: closedWindow,
      originAreas: areas,
      affectedAreas: areas,
      description: blockIn(language),
      reference: label,
    },
    { requiredKeys: ['activity', 'window', 'originAreas'] },
  )
  .filter(
    (n) =>
      (n.activity !== 'missile-launch' || n.affectedAreas !== undefined) &&
      (n.activity !== 'other' || n.description !== undefined),
  );

const incidentBody: fc.Arbitrary<IncidentBody> = language.chain((lang) =>
  fc
    .record({
      time,
      place: area,
      parties: fc.uniqueArray(label, { minLength: 1, maxLength: 4 }),
      description: blockIn(fc.constant(lang)),
      clarificationRequested: fc.boolean(),
      questions: fc.option(fc.array(blockIn(fc.constant(lang)), { minLength: 1, maxLength: 3 }), {
        nil: undefined,
      }),
    })
    .map(({ questions, ...rest }) =>
      rest.clarificationRequested && questions !== undefined ? { ...rest, questions } : rest,
    ),
);

/** The encoder's output decodes to the value given, and encodes again to the same bytes. */
function roundTrip<T>(kind: Kind<T>, values: fc.Arbitrary<T>): void {
  it(`${kind.name}: decode(encode(x)) equals x and re-encodes to the same bytes`, () => {
    fc.assert(
      fc.property(values, (value) => {
        const bytes = kind.encode(value);
        const decoded = kind.decode(bytes);
        expect(decoded).to.deep.equal(value);
        expect(hex(kind.encode(decoded))).to.equal(hex(bytes));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
}

const edit = fc.tuple(
  fc.constantFrom('replace', 'insert', 'delete', 'truncate'),
  fc.nat(),
  fc.integer({ min: 0, max: 255 }),
);
function applyEdit(bytes: Uint8Array, [op, at, value]: [string, number, number]): Uint8Array {
  const i = at % bytes.length;
  if (op === 'replace') return cat(bytes.subarray(0, i), [value], bytes.subarray(i + 1));
  if (op === 'insert') return cat(bytes.subarray(0, i), [value], bytes.subarray(i));
  if (op === 'delete') return cat(bytes.subarray(0, i), bytes.subarray(i + 1));
  return bytes.subarray(0, i);
}

/** A mutated body either decodes to a value that re-encodes to it, or throws a HotlineError. */
function mutations<T>(kind: Kind<T>, values: fc.Arbitrary<T>): void {
  it(`${kind.name}: mutated and truncated bodies throw HotlineError only`, () => {
    fc.assert(
      fc.property(values, fc.array(edit, { minLength: 1, maxLength: 3 }), (value, edits) => {
        const mutated = edits.reduce(
          (bytes, e) => (bytes.length === 0 ? bytes : applyEdit(bytes, e)),
          kind.encode(value),
        );
        let decoded: T;
        try {
          decoded = kind.decode(mutated);
        } catch (error) {
          if (!(error instanceof HotlineError)) throw error;
          return;
        }
        expect(hex(kind.encode(decoded))).to.equal(hex(mutated));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
}

describe('statements: properties', () => {
  roundTrip(KINDS.text, textBody);
  roundTrip(KINDS.assurance, assuranceBody);
  roundTrip(KINDS.redline, redlineBody);
  roundTrip(KINDS.notification, notificationBody);
  roundTrip(KINDS.incident, incidentBody);
  mutations(KINDS.text, textBody);
  mutations(KINDS.assurance, assuranceBody);
  mutations(KINDS.redline, redlineBody);
  mutations(KINDS.notification, notificationBody);
  mutations(KINDS.incident, incidentBody);

  it('every prefix of every base body is refused with a HotlineError', () => {
    for (const kind of Object.values(KINDS) as Kind<unknown>[]) {
      const bytes = bodyOf(kind.base);
      for (let n = 0; n < bytes.length; n++) {
        expect(() => kind.decode(bytes.subarray(0, n)), `${kind.name} ${n}`).to.throw(HotlineError);
      }
    }
  });
});

// -------------------------------------------------------------- shared vectors

interface StatementVector {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid';
  error?: string;
  field?: string;
  body: string;
  value?: unknown;
}
interface StatementGroup {
  type: string;
  kind: number;
  kindName: string;
  tests: StatementVector[];
}
interface StatementFile {
  $schema: string;
  numberOfTests: number;
  testGroups: StatementGroup[];
}

const root = new URL('../../../test-vectors/', import.meta.url);
const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));
const vectorFile = readJson(new URL('kinds/statements.json', root)) as StatementFile;
const DECODERS: Record<number, (body: Uint8Array) => unknown> = {
  3: decodeTextBody,
  4: decodeAssuranceBody,
  5: decodeRedlineBody,
  6: decodeNotificationBody,
  7: decodeIncidentBody,
};

describe('statements: test-vectors/kinds/statements.json', () => {
  it('matches its JSON Schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    for (const name of ['common.schema.json', 'kinds-statements.schema.json']) {
      ajv.addSchema(readJson(new URL(`schema/${name}`, root)) as object);
    }
    const id = new URL(vectorFile.$schema, new URL('kinds/statements.json', root)).href.replace(
      root.href,
      'https://hotline.invalid/test-vectors/',
    );
    const validate = ajv.getSchema(id);
    expect(validate, id).to.be.a('function');
    expect(validate!(vectorFile), ajv.errorsText(validate!.errors)).to.equal(true);
  });

  it('covers each of the five kinds, valid and invalid, and BODY_MALFORMED, BODY_LIMIT, BODY_INVALID', () => {
    const tests = vectorFile.testGroups.flatMap((g) =>
      g.tests.map((t) => ({ kind: g.kind, ...t })),
    );
    for (const kind of [3, 4, 5, 6, 7]) {
      const results = new Set(tests.filter((t) => t.kind === kind).map((t) => t.result));
      expect([...results].sort(), `kind ${kind}`).to.deep.equal(['invalid', 'valid']);
    }
    const codes = new Set(tests.map((t) => t.error));
    for (const code of ['BODY_MALFORMED', 'BODY_LIMIT', 'BODY_INVALID'])
      expect(codes).to.include(code);
  });

  for (const group of vectorFile.testGroups) {
    const decode = DECODERS[group.kind]!;
    for (const test of group.tests) {
      it(`tcId ${test.tcId} (${group.kindName}): ${test.comment}`, () => {
        const body = fromHex(test.body);
        if (test.result === 'invalid') {
          const error = expectCode(() => decode(body), test.error as ErrorCode);
          if (test.field !== undefined) expect(error.field, 'field').to.equal(test.field);
          return;
        }
        // JSON round trip: the decoded value holds nothing JSON cannot carry.
        expect(JSON.parse(JSON.stringify(decode(body)))).to.deep.equal(test.value);
        expect(toHex(body)).to.equal(test.body);
      });
    }
  }
});
