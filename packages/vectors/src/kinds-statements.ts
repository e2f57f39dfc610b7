// The statement kinds' suite: test-vectors/kinds/statements.json — bodies of kinds
// text (3), assurance (4), redline (5), notification (6) and incident (7)
// (spec/kinds/*.md). Bodies are written byte by byte with raw.ts, so each invalid
// body carries one defect (or several, on purpose, flagged Order); each valid body
// comes with its decoded value written here by hand, and the generator checks that
// the codec decodes the body to that value and encodes the value to that body.

import { concatBytes, KIND } from '@hotline/codec';
import type { Suite, TestCase, TestGroup } from './format.js';
import { type KindCases as Cases, kindGroups, oneFileSuite } from './kinds-file.js';
import {
  bodyCases,
  bodyCodecOf,
  checkBodyTest,
  edited,
  type Fields,
  num,
  type Part,
  raw,
  tb,
} from './kinds-parts.js';
import {
  array,
  headOfWidth,
  intMap,
  MAJOR,
  map,
  nint,
  type Raw,
  tstr,
  tstrBytes,
  uint,
} from './raw.js';

export const STATEMENTS_FILE = 'statements.json';

// ---------------------------------------------------------------------------
// JSON shape

export interface StatementTest extends TestCase {
  /** The body bytes to decode. */
  body: string;
  /** Valid only: the decoded body, with the field names of spec/kinds/<kind>.md. */
  value?: unknown;
  /** Invalid with a BODY_* code only: the path of the failing field (detail.field). */
  field?: string;
}

export interface StatementGroup extends TestGroup<StatementTest> {
  description: string;
  /** The envelope kind whose body is decoded. */
  kind: number;
  kindName: string;
}

// ---------------------------------------------------------------------------
// Raw builders and their JSON values

function _assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`statement vectors: ${message}`);
}

const int = (n: number): Raw => (n < 0 ? nint(n) : uint(n));
const win = (from: number, until?: number): Part =>
  until === undefined
    ? { raw: intMap([[1, uint(from)]]), json: { from } }
    : {
        raw: intMap([
          [1, uint(from)],
          [2, uint(until)],
        ]),
        json: { from, until },
      };
const label = (text: string): Part => ({ raw: tstr(text), json: text });
const list = (items: readonly Part[]): Part => ({
  raw: array(items.map((p) => p.raw)),
  json: items.map((p) => p.json),
});
const pt = (lat: number, lon: number): Part => ({
  raw: array([int(lat), int(lon)]),
  json: { lat, lon },
});
const circle = (lat: number, lon: number, radius: number): Part => ({
  raw: intMap([
    [1, uint(1)],
    [2, pt(lat, lon).raw],
    [3, uint(radius)],
  ]),
  json: { shape: 'circle', centre: { lat, lon }, radius },
});
const polygon = (...points: Part[]): Part => ({
  raw: intMap([
    [1, uint(2)],
    [2, array(points.map((p) => p.raw))],
  ]),
  json: { shape: 'polygon', points: points.map((p) => p.json) },
});
const times = (n: number, part: Part): Part[] => Array.from({ length: n }, () => part);

// ---------------------------------------------------------------------------
// Tests

type KindCases = Cases<StatementTest>;

/** Builders of one kind's tests; valid ones are checked against the codec's encoder. */
const casesFor = (kind: number) => bodyCases<StatementTest>(bodyCodecOf(kind), 'statement vectors');

const T = 1_761_523_200_000; // 2025-10-27T00:00:00Z
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LABEL_256 = 'é'.repeat(128);
const LABEL_257 = `${LABEL_256}x`;
const ZONE = circle(54_500_000, 19_800_000, 50_000);
const letters = (n: number) =>
  Array.from({ length: n }, (_, i) => `x${String.fromCharCode(97 + i)}`);

function textCases(): KindCases {
  const c = casesFor(KIND.text);
  const EN = tb('en', 'We propose talks in Geneva on 3 November.');
  const base: Fields = new Map([
    [1, ['authoritative', EN]],
    [
      2,
      [
        'translations',
        list([
          tb('ru', 'Предлагаем переговоры в Женеве 3 ноября.'),
          tb('zh-Hans', '我们建议11月3日在日内瓦会谈。'),
        ]),
      ],
    ],
  ]);
  const tr = (parts: Part[]) => edited(base, 2, 'translations', list(parts));
  return {
    kind: KIND.text,
    name: 'text',
    description: 'text (3): {1: authoritative text-block, ? 2: [1*8 text-block] translations}.',
    tests: [
      c.valid('English, with Russian and Chinese translations', ['Utf8'], base),
      c.valid('no translations', [], edited(base, 2)),
      c.valid(
        '8 translations; en-GB is another tag than en',
        ['Limits', 'Language'],
        tr(['fr', 'de', 'ru', 'uk', 'zh-Hans', 'ar', 'es', 'en-GB'].map((l) => tb(l, 'text'))),
      ),
      c.valid(
        'a text of 16384 bytes (4096 four-byte characters)',
        ['Limits', 'Utf8'],
        new Map([[1, ['authoritative', tb('en', '\u{1F6A8}'.repeat(4096))]]]),
      ),
      c.invalid('the body is an array', ['Shape'], array([EN.raw]), 'BODY_MALFORMED', 'body'),
      c.invalid('key 3 (unknown)', ['Shape'], edited(base, 3, 'x', num(0)), 'BODY_MALFORMED', ''),
      c.invalid(
        'no authoritative text',
        ['Shape'],
        edited(base, 1),
        'BODY_MALFORMED',
        'authoritative',
      ),
      c.invalid(
        'the authoritative text is a string',
        ['Shape'],
        edited(base, 1, 'a', label('hi')),
        'BODY_MALFORMED',
        'authoritative',
      ),
      c.invalid(
        'a text block without its text',
        ['Shape'],
        edited(base, 1, 'a', raw(intMap([[1, tstr('en')]]))),
        'BODY_MALFORMED',
        'authoritative.text',
      ),
      c.invalid(
        'language "e"',
        ['Meaning'],
        edited(base, 1, 'a', tb('e', 'hi')),
        'BODY_INVALID',
        'authoritative.language',
      ),
      c.invalid(
        'language "en_GB"',
        ['Meaning'],
        edited(base, 1, 'a', tb('en_GB', 'hi')),
        'BODY_INVALID',
        'authoritative.language',
      ),
      c.invalid(
        'an empty text',
        ['Meaning'],
        edited(base, 1, 'a', tb('en', '')),
        'BODY_INVALID',
        'authoritative.text',
      ),
      c.invalid(
        'a text of 16385 bytes',
        ['Count'],
        edited(base, 1, 'a', tb('en', 'x'.repeat(16_385))),
        'BODY_LIMIT',
        'authoritative.text',
      ),
      c.invalid(
        'an empty list of translations',
        ['Meaning'],
        tr([]),
        'BODY_INVALID',
        'translations',
      ),
      c.invalid(
        '9 translations',
        ['Count'],
        tr(letters(9).map((l) => tb(l, 't'))),
        'BODY_LIMIT',
        'translations',
      ),
      c.invalid(
        'a translation in the authoritative language',
        ['Language'],
        tr([tb('en', 'x')]),
        'BODY_INVALID',
        'translations[0].language',
      ),
      c.invalid(
        'a translation tagged EN for an en original (tags ignore case)',
        ['Language'],
        tr([tb('fr', 'x'), tb('EN', 'x')]),
        'BODY_INVALID',
        'translations[1].language',
      ),
      c.invalid(
        'two translations in one language',
        ['Language'],
        tr([tb('ru', 'а'), tb('fr', 'b'), tb('ru', 'в')]),
        'BODY_INVALID',
        'translations[2].language',
      ),
      c.invalid(
        'a repeated language, then an empty text: depth first, the language is found first',
        ['Language', 'Order'],
        tr([tb('en', 'x'), tb('fr', '')]),
        'BODY_INVALID',
        'translations[0].language',
      ),
    ],
  };
}

function assuranceCases(): KindCases {
  const c = casesFor(KIND.assurance);
  const base: Fields = new Map([
    [1, ['undertaking', tb('en', 'No naval exercises within 50 km of the agreed point.')]],
    [2, ['scope', label('Baltic Sea, east of 18 E')]],
    [3, ['validity', win(T, T + 30 * DAY)]],
    [
      4,
      [
        'conditions',
        list([
          tb('en', 'The other side does the same.'),
          tb('EN', 'No third-party forces enter the area.'),
        ]),
      ],
    ],
  ]);
  return {
    kind: KIND.assurance,
    name: 'assurance',
    description:
      'assurance (4): {1: undertaking text-block, 2: scope, 3: validity window, ? 4: [1*32 text-block] conditions}.',
    tests: [
      c.valid('30 days, two conditions (one tagged EN: tags ignore case)', ['Language'], base),
      c.valid('open-ended and unconditional', [], edited(edited(base, 4), 3, 'validity', win(T))),
      c.valid(
        '32 conditions; a scope of 256 bytes',
        ['Limits', 'Utf8'],
        edited(
          edited(base, 4, 'conditions', list(times(32, tb('en', 'c')))),
          2,
          'scope',
          label(LABEL_256),
        ),
      ),
      c.invalid('no undertaking', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'undertaking'),
      c.invalid('no scope', ['Shape'], edited(base, 2), 'BODY_MALFORMED', 'scope'),
      c.invalid('no validity', ['Shape'], edited(base, 3), 'BODY_MALFORMED', 'validity'),
      c.invalid(
        'a validity with key 3',
        ['Shape'],
        edited(
          base,
          3,
          'v',
          raw(
            intMap([
              [1, uint(T)],
              [3, uint(T)],
            ]),
          ),
        ),
        'BODY_MALFORMED',
        'validity',
      ),
      c.invalid(
        'a validity without from',
        ['Shape'],
        edited(base, 3, 'v', raw(intMap([[2, uint(T)]]))),
        'BODY_MALFORMED',
        'validity.from',
      ),
      c.invalid(
        'an empty scope',
        ['Meaning'],
        edited(base, 2, 's', label('')),
        'BODY_INVALID',
        'scope',
      ),
      c.invalid(
        'a scope of 257 bytes',
        ['Count'],
        edited(base, 2, 's', label(LABEL_257)),
        'BODY_LIMIT',
        'scope',
      ),
      c.invalid(
        'a validity that ends as it starts',
        ['Meaning'],
        edited(base, 3, 'v', win(T, T)),
        'BODY_INVALID',
        'validity.until',
      ),
      c.invalid(
        'an empty list of conditions',
        ['Meaning'],
        edited(base, 4, 'c', list([])),
        'BODY_INVALID',
        'conditions',
      ),
      c.invalid(
        '33 conditions',
        ['Count'],
        edited(base, 4, 'c', list(times(33, tb('en', 'c')))),
        'BODY_LIMIT',
        'conditions',
      ),
      c.invalid(
        'a condition in Russian for an English undertaking',
        ['Language'],
        edited(base, 4, 'c', list([tb('en', 'c'), tb('ru', 'у')])),
        'BODY_INVALID',
        'conditions[1].language',
      ),
    ],
  };
}

function redlineCases(): KindCases {
  const c = casesFor(KIND.redline);
  const base: Fields = new Map([
    [1, ['line', tb('en', 'No warship enters the 12-mile zone of island X.')]],
    [2, ['scope', label('island X')]],
    [3, ['validity', win(T)]],
    [4, ['disclosure', { raw: uint(1), json: 'stated' }]],
    [5, ['consequence', tb('en', 'Such a ship will be escorted out.')]],
  ]);
  const withheld = edited(edited(base, 5), 4, 'disclosure', { raw: uint(0), json: 'withheld' });
  return {
    kind: KIND.redline,
    name: 'redline',
    description:
      'redline (5): {1: line text-block, 2: scope, 3: validity window, 4: disclosure (0 withheld, 1 stated), ? 5: consequence text-block}; 5 present iff 4 = 1.',
    tests: [
      c.valid('the consequence stated', ['Conditional'], base),
      c.valid(
        'the consequence withheld, for 7 days',
        ['Conditional'],
        edited(withheld, 3, 'validity', win(T, T + 7 * DAY)),
      ),
      c.invalid('no line', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'line'),
      c.invalid('no disclosure', ['Shape'], edited(withheld, 4), 'BODY_MALFORMED', 'disclosure'),
      c.invalid(
        'disclosure as text "stated"',
        ['Shape'],
        edited(base, 4, 'd', label('stated')),
        'BODY_MALFORMED',
        'disclosure',
      ),
      c.invalid(
        'disclosure 2',
        ['Meaning'],
        edited(base, 4, 'd', num(2)),
        'BODY_INVALID',
        'disclosure',
      ),
      c.invalid(
        'an empty scope',
        ['Meaning'],
        edited(base, 2, 's', label('')),
        'BODY_INVALID',
        'scope',
      ),
      c.invalid(
        'a validity that ends before it starts',
        ['Meaning'],
        edited(base, 3, 'v', win(T, T - 1)),
        'BODY_INVALID',
        'validity.until',
      ),
      c.invalid(
        'stated (1) without a consequence',
        ['Conditional'],
        edited(base, 5),
        'BODY_INVALID',
        'consequence',
      ),
      c.invalid(
        'withheld (0) with a consequence',
        ['Conditional'],
        edited(base, 4, 'd', num(0)),
        'BODY_INVALID',
        'consequence',
      ),
      c.invalid(
        'withheld (0) with a consequence lacking its text: the consequence is read first',
        ['Conditional', 'Order', 'Shape'],
        edited(edited(base, 4, 'd', num(0)), 5, 'c', raw(intMap([[1, tstr('en')]]))),
        'BODY_MALFORMED',
        'consequence.text',
      ),
      c.invalid(
        'a consequence and no disclosure: the missing key',
        ['Conditional', 'Order', 'Shape'],
        edited(base, 4),
        'BODY_MALFORMED',
        'disclosure',
      ),
      c.invalid(
        'a consequence in French for an English line',
        ['Language'],
        edited(base, 5, 'c', tb('fr', 'Escorté.')),
        'BODY_INVALID',
        'consequence.language',
      ),
    ],
  };
}

function notificationCases(): KindCases {
  const c = casesFor(KIND.notification);
  const launch = circle(62_925_000, 40_577_000, 5_000);
  const impact = polygon(
    pt(64_000_000, 176_000_000),
    pt(66_000_000, 178_000_000),
    pt(64_000_000, -179_000_000),
  );
  const activity = (name: string, value: number): Part => ({ raw: uint(value), json: name });
  const base: Fields = new Map([
    [1, ['activity', activity('missile-launch', 1)]],
    [2, ['window', win(T + 2 * DAY, T + 2 * DAY + 4 * HOUR)]],
    [3, ['originAreas', list([launch])]],
    [4, ['affectedAreas', list([impact])]],
    [5, ['description', tb('en', 'One test launch of an intercontinental ballistic missile.')]],
    [6, ['reference', label('NOTICE 2025/117')]],
  ]);
  const ring = Array.from({ length: 64 }, (_, i) => pt(i * 1000, (i % 2) * 1000));
  const exercise = edited(
    edited(edited(base, 1, 'activity', activity('military-exercise', 2)), 4),
    6,
  );
  return {
    kind: KIND.notification,
    name: 'notification',
    description:
      'notification (6): {1: activity, 2: window (until required), 3: [1*16 area] origin areas, ? 4: [1*16 area] affected areas, ? 5: description, ? 6: reference}.',
    tests: [
      c.valid('a missile launch: launch circle, impact polygon across the antimeridian', [], base),
      c.valid('a military exercise: one area, a description, no reference', [], exercise),
      c.valid(
        'a naval manoeuvre over 5 days in 16 areas; 16 polygons of 64 points affected',
        ['Limits'],
        new Map([
          [1, ['activity', activity('naval-manoeuvre', 3)]],
          [2, ['window', win(T + 3 * DAY, T + 8 * DAY)]],
          [3, ['originAreas', list(times(16, ZONE))]],
          [4, ['affectedAreas', list(times(16, polygon(...ring)))]],
        ]),
      ),
      c.valid(
        'air activity, nothing optional',
        [],
        edited(edited(exercise, 1, 'activity', activity('air-activity', 4)), 5),
      ),
      c.valid(
        'a space launch without affected areas',
        [],
        edited(edited(edited(base, 1, 'activity', activity('space-launch', 5)), 4), 5),
      ),
      c.valid(
        'activity other (6), described',
        ['Conditional'],
        edited(exercise, 1, 'activity', activity('other', 6)),
      ),
      c.invalid('no activity', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'activity'),
      c.invalid(
        'activity 0',
        ['Meaning'],
        edited(base, 1, 'a', num(0)),
        'BODY_INVALID',
        'activity',
      ),
      c.invalid(
        'activity 7',
        ['Meaning'],
        edited(base, 1, 'a', num(7)),
        'BODY_INVALID',
        'activity',
      ),
      c.invalid('no window', ['Shape'], edited(base, 2), 'BODY_MALFORMED', 'window'),
      c.invalid(
        'an open-ended window (no until)',
        ['Shape'],
        edited(base, 2, 'w', win(T)),
        'BODY_MALFORMED',
        'window.until',
      ),
      c.invalid(
        'a window that ends before it starts',
        ['Meaning'],
        edited(base, 2, 'w', win(T, T - 1)),
        'BODY_INVALID',
        'window.until',
      ),
      c.invalid('no origin areas', ['Shape'], edited(base, 3), 'BODY_MALFORMED', 'originAreas'),
      c.invalid(
        'origin areas: one circle, not a list',
        ['Shape'],
        edited(base, 3, 'o', launch),
        'BODY_MALFORMED',
        'originAreas',
      ),
      c.invalid(
        'an empty list of origin areas',
        ['Meaning'],
        edited(base, 3, 'o', list([])),
        'BODY_INVALID',
        'originAreas',
      ),
      c.invalid(
        '17 origin areas',
        ['Count'],
        edited(base, 3, 'o', list(times(17, ZONE))),
        'BODY_LIMIT',
        'originAreas',
      ),
      c.invalid(
        'a radius of 0 m',
        ['Meaning'],
        edited(base, 3, 'o', list([ZONE, circle(0, 0, 0)])),
        'BODY_INVALID',
        'originAreas[1].radius',
      ),
      c.invalid(
        'a radius of 20037510 m',
        ['Count'],
        edited(base, 3, 'o', list([circle(0, 0, 20_037_510)])),
        'BODY_LIMIT',
        'originAreas[0].radius',
      ),
      c.invalid(
        'latitude 90.000001',
        ['Meaning'],
        edited(base, 3, 'o', list([circle(90_000_001, 0, 1)])),
        'BODY_INVALID',
        'originAreas[0].centre.lat',
      ),
      c.invalid(
        'longitude 180 (written -180)',
        ['Meaning'],
        edited(base, 3, 'o', list([circle(0, 180_000_000, 1)])),
        'BODY_INVALID',
        'originAreas[0].centre.lon',
      ),
      c.invalid(
        'area shape 3',
        ['Meaning'],
        edited(base, 3, 'o', list([raw(intMap([[1, uint(3)]]))])),
        'BODY_INVALID',
        'originAreas[0].shape',
      ),
      c.invalid(
        'an empty list of affected areas',
        ['Meaning'],
        edited(base, 4, 'f', list([])),
        'BODY_INVALID',
        'affectedAreas',
      ),
      c.invalid(
        'a polygon that repeats a point',
        ['Meaning'],
        edited(base, 4, 'f', list([polygon(pt(1, 1), pt(2, 2), pt(2, 2))])),
        'BODY_INVALID',
        'affectedAreas[0].points[2]',
      ),
      c.invalid(
        'a polygon closed explicitly (the first point repeated last)',
        ['Meaning'],
        edited(base, 4, 'f', list([polygon(pt(1, 1), pt(2, 2), pt(3, 1), pt(1, 1))])),
        'BODY_INVALID',
        'affectedAreas[0].points[0]',
      ),
      c.invalid(
        'a missile launch without affected (impact) areas',
        ['Conditional'],
        edited(base, 4),
        'BODY_INVALID',
        'affectedAreas',
      ),
      c.invalid(
        'activity other (6) without a description',
        ['Conditional'],
        edited(edited(exercise, 1, 'a', num(6)), 5),
        'BODY_INVALID',
        'description',
      ),
      c.invalid(
        'an empty reference',
        ['Meaning'],
        edited(base, 6, 'r', label('')),
        'BODY_INVALID',
        'reference',
      ),
      c.invalid(
        'a reference of 257 bytes',
        ['Count'],
        edited(base, 6, 'r', label(LABEL_257)),
        'BODY_LIMIT',
        'reference',
      ),
      c.invalid(
        'a missile launch without origin or affected areas: the missing key first',
        ['Conditional', 'Order', 'Shape'],
        edited(edited(base, 3), 4),
        'BODY_MALFORMED',
        'originAreas',
      ),
    ],
  };
}

function incidentCases(): KindCases {
  const c = casesFor(KIND.incident);
  const yes = { raw: uint(1), json: true };
  const base: Fields = new Map([
    [1, ['time', num(T - 5 * HOUR)]],
    [2, ['place', ZONE]],
    [3, ['parties', list([label('destroyer A-12'), label('patrol aircraft P-3')])]],
    [4, ['description', tb('en', 'The aircraft passed 30 m above the destroyer at 500 knots.')]],
    [5, ['clarificationRequested', yes]],
    [6, ['questions', list([tb('en', 'Was the pass ordered?'), tb('en', 'Which unit flew it?')])]],
  ]);
  const noQuestions = edited(base, 6);
  const notAsked = edited(noQuestions, 5, 'clarificationRequested', { raw: uint(0), json: false });
  return {
    kind: KIND.incident,
    name: 'incident',
    description:
      'incident (7): {1: time, 2: place area, 3: [1*32 label] parties, 4: description text-block, 5: clarification requested (0 no, 1 yes), ? 6: [1*32 text-block] questions}; 6 only if 5 = 1.',
    tests: [
      c.valid('a close pass, clarification requested with two questions', [], base),
      c.valid('clarification requested, no questions', ['Conditional'], noQuestions),
      c.valid(
        'no clarification requested; a polygon',
        ['Conditional'],
        edited(notAsked, 2, 'place', polygon(pt(1, 1), pt(2, 2), pt(3, 1))),
      ),
      c.valid(
        '32 parties and 32 questions; time 0',
        ['Limits'],
        edited(
          edited(
            edited(
              base,
              3,
              'parties',
              list(Array.from({ length: 32 }, (_, i) => label(`unit ${i}`))),
            ),
            6,
            'questions',
            list(times(32, tb('en', '?'))),
          ),
          1,
          'time',
          num(0),
        ),
      ),
      c.invalid('no time', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'time'),
      c.invalid(
        'a negative time',
        ['Shape'],
        edited(base, 1, 't', raw(nint(-1))),
        'BODY_MALFORMED',
        'time',
      ),
      c.invalid(
        'a place that is a point',
        ['Shape'],
        edited(base, 2, 'p', pt(0, 0)),
        'BODY_MALFORMED',
        'place',
      ),
      c.invalid(
        'a place of shape 0',
        ['Meaning'],
        edited(base, 2, 'p', raw(intMap([[1, uint(0)]]))),
        'BODY_INVALID',
        'place.shape',
      ),
      c.invalid(
        'an empty list of parties',
        ['Meaning'],
        edited(base, 3, 'p', list([])),
        'BODY_INVALID',
        'parties',
      ),
      c.invalid(
        '33 parties',
        ['Count'],
        edited(base, 3, 'p', list(Array.from({ length: 33 }, (_, i) => label(`u${i}`)))),
        'BODY_LIMIT',
        'parties',
      ),
      c.invalid(
        'an empty party',
        ['Meaning'],
        edited(base, 3, 'p', list([label('a'), label('')])),
        'BODY_INVALID',
        'parties[1]',
      ),
      c.invalid(
        'a party of 257 bytes',
        ['Count'],
        edited(base, 3, 'p', list([label(LABEL_257)])),
        'BODY_LIMIT',
        'parties[0]',
      ),
      c.invalid(
        'a party named twice',
        ['Meaning'],
        edited(base, 3, 'p', list([label('a'), label('b'), label('a')])),
        'BODY_INVALID',
        'parties[2]',
      ),
      c.invalid('no description', ['Shape'], edited(base, 4), 'BODY_MALFORMED', 'description'),
      c.invalid(
        'no clarification flag',
        ['Shape'],
        edited(noQuestions, 5),
        'BODY_MALFORMED',
        'clarificationRequested',
      ),
      c.invalid(
        'clarification 2',
        ['Meaning'],
        edited(noQuestions, 5, 'c', num(2)),
        'BODY_INVALID',
        'clarificationRequested',
      ),
      c.invalid(
        'questions, but no clarification requested (0)',
        ['Conditional'],
        edited(base, 5, 'c', num(0)),
        'BODY_INVALID',
        'questions',
      ),
      c.invalid(
        'an empty list of questions',
        ['Meaning'],
        edited(base, 6, 'q', list([])),
        'BODY_INVALID',
        'questions',
      ),
      c.invalid(
        '33 questions',
        ['Count'],
        edited(base, 6, 'q', list(times(33, tb('en', '?')))),
        'BODY_LIMIT',
        'questions',
      ),
      c.invalid(
        'a question in Russian about an English description',
        ['Language'],
        edited(base, 6, 'q', list([tb('en', 'Why?'), tb('ru', 'Почему?')])),
        'BODY_INVALID',
        'questions[1].language',
      ),
    ],
  };
}

/** A few profile defects per kind: the CBOR_* codes come before any body check. */
function profileCases(): KindCases {
  const c = casesFor(KIND.text);
  const text = (t: Raw) =>
    intMap([
      [
        1,
        intMap([
          [1, tstr('en')],
          [2, t],
        ]),
      ],
    ]);
  return {
    kind: KIND.text,
    name: 'text',
    description:
      'text (3) bodies outside the CBOR profile (01-envelope.md §5): a CBOR_* code, no field.',
    tests: [
      c.invalid('an empty body', ['Profile'], new Uint8Array(0), 'CBOR_TRUNCATED'),
      c.invalid(
        'keys 2, 1',
        ['Profile'],
        intMap([
          [
            2,
            array([
              intMap([
                [1, tstr('fr')],
                [2, tstr('b')],
              ]),
            ]),
          ],
          [
            1,
            intMap([
              [1, tstr('en')],
              [2, tstr('a')],
            ]),
          ],
        ]),
        'CBOR_MAP_KEYS_UNSORTED',
      ),
      c.invalid(
        'key 1 in a 2-byte head',
        ['Profile'],
        concatBytes(
          Uint8Array.of(0xa1),
          headOfWidth(MAJOR.uint, 1, 2),
          intMap([
            [1, tstr('en')],
            [2, tstr('a')],
          ]),
        ),
        'CBOR_NON_SHORTEST',
      ),
      c.invalid(
        'a text that is not UTF-8 (c3 28)',
        ['Profile'],
        text(tstrBytes(Uint8Array.of(0xc3, 0x28))),
        'CBOR_INVALID_UTF8',
      ),
      c.invalid(
        'a byte after the body',
        ['Profile'],
        concatBytes(text(tstr('a')), Uint8Array.of(0)),
        'CBOR_TRAILING_BYTES',
      ),
      c.invalid(
        'an indefinite-length text',
        ['Profile'],
        text(Uint8Array.of(0x7f, 0x61, 0x61, 0xff)),
        'CBOR_INDEFINITE_LENGTH',
      ),
      c.invalid(
        'a map with a text key',
        ['Profile'],
        map([[tstr('a'), uint(1)]]),
        'CBOR_MAP_KEY_TYPE',
      ),
    ],
  };
}

// ---------------------------------------------------------------------------
// Checking

export function checkStatementTest(
  group: TestGroup<StatementTest>,
  test: StatementTest,
): string | undefined {
  const { kind } = group as StatementGroup;
  return checkBodyTest(bodyCodecOf(kind), kind, test);
}

// ---------------------------------------------------------------------------
// Generation

const NOTES: Record<string, string> = {
  Valid:
    'A valid body; the decoder returns exactly `value`, and encoding `value` gives exactly `body`.',
  Limits: 'A count or length at the edge of its allowed range.',
  Utf8: 'Lengths are counted in UTF-8 bytes, not characters or UTF-16 units; text is not normalised.',
  Language:
    'A language rule: translations each in a language of their own, every other text of a statement in the language of its first text; tags compare without regard to case.',
  Conditional:
    'A field whose presence depends on another: consequence (redline), affected areas and description (notification), questions (incident).',
  Profile: 'The body breaks the CBOR profile of 01-envelope.md §5: a CBOR_* code.',
  Shape: 'Not a map, an unknown or missing key, a value of the wrong type: BODY_MALFORMED.',
  Count: 'A length or count beyond its limit: BODY_LIMIT.',
  Meaning:
    'Well-formed but meaningless (empty text, bad tag, value outside its enumeration or range): BODY_INVALID.',
  Order:
    'Several defects: the code (and field) of the first check in order — key order, depth first, missing keys after present ones, whole-body rules last.',
};

const HEADER = [
  'Test vectors for the bodies of the statement kinds (spec/11-kinds.md; spec/kinds/text.md, assurance.md, redline.md, notification.md, incident.md). Each group decodes the bodies of one kind (`kind`, `kindName`). A valid test gives the decoded `value` with the field names of the kind\'s table: enumerations by name (redline disclosure "withheld"/"stated", notification activity "missile-launch" …), incident field 5 as a boolean, areas as {shape: "circle", centre: {lat, lon}, radius} or {shape: "polygon", points: [{lat, lon} …]} in microdegrees and metres; absent optional fields are left out. An invalid test gives the `error` code and, for BODY_* codes, the `field` path reported in the error detail.',
  "Times are ms since the Unix epoch; the valid bodies use 2025-10-27T00:00:00Z (1761523200000) and days after it. Checks that need more than the body (charter languages, minimum lead time, envelope time) are the receiving client's and not covered here.",
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

export const kindsStatementsSuite: Suite = oneFileSuite<StatementTest, StatementGroup>({
  file: STATEMENTS_FILE,
  schema: 'kinds-statements.schema.json',
  algorithm: 'HOTLINE-KINDS-STATEMENTS',
  header: HEADER,
  notes: NOTES,
  groups: () =>
    kindGroups('StatementBodyDecode', [
      textCases(),
      assuranceCases(),
      redlineCases(),
      notificationCases(),
      incidentCases(),
      profileCases(),
    ]),
  checkTest: checkStatementTest,
});
