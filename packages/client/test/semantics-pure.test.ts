// The acknowledgement tracker and the liveness watch, driven by explicit times.

import { expect } from 'chai';
import { AckTracker, type StageDeadlines } from '../src/semantics/acks.js';
import { Liveness, SILENT_AFTER_INTERVALS } from '../src/semantics/liveness.js';

const FLASH: StageDeadlines = { received: 60_000, understood: 300_000, decided: 900_000 };
const T0 = 1_764_000_000_000;

describe('acknowledgement deadlines', () => {
  it('reports each unacknowledged stage once, when due, per member', () => {
    const tracker = new AckTracker();
    tracker.expect('e1', T0, FLASH, ['bob', 'carol']);
    expect(tracker.nextDue()).to.equal(T0 + 60_000);
    expect(tracker.overdue(T0 + 59_999)).to.deep.equal([]);
    tracker.acknowledge('e1', 'bob', 'received', T0 + 10_000, 'a1');
    const due = tracker.overdue(T0 + 60_000);
    expect(due).to.deep.equal([
      { envelope: 'e1', member: 'carol', stage: 'received', due: T0 + 60_000 },
    ]);
    expect(tracker.overdue(T0 + 60_001)).to.deep.equal([]); // once
    expect(tracker.nextDue()).to.equal(T0 + 300_000);
  });

  it('a later stage implies the earlier ones; acknowledgements after the deadline are late', () => {
    const tracker = new AckTracker();
    tracker.expect('e1', T0, FLASH, ['bob']);
    const made = tracker.acknowledge('e1', 'bob', 'decided', T0 + 120_000, 'a1', 'accepted');
    expect(made.map((record) => [record.stage, record.late])).to.deep.equal([
      ['received', true],
      ['understood', false],
      ['decided', false],
    ]);
    expect(made[2]!.decision).to.equal('accepted');
    expect(tracker.overdue(T0 + 10_000_000)).to.deep.equal([]);
    expect(tracker.nextDue()).to.equal(undefined);
    // A repeated stage records nothing new.
    expect(tracker.acknowledge('e1', 'bob', 'received', T0, 'a2')).to.deep.equal([]);
  });

  it('ignores acknowledgements of unknown envelopes and from members not expected', () => {
    const tracker = new AckTracker();
    tracker.expect('e1', T0, FLASH, ['bob']);
    expect(tracker.acknowledge('e2', 'bob', 'received', T0, 'a1')).to.deep.equal([]);
    expect(tracker.acknowledge('e1', 'mallory', 'received', T0, 'a1')).to.deep.equal([]);
    expect(tracker.status('e1')).to.deep.equal([{ member: 'bob', acks: [] }]);
  });
});

describe('liveness', () => {
  it('a member unheard for 2.5 intervals is silent, once, until heard again', () => {
    const live = new Liveness(60_000, ['bob'], T0);
    const limit = 60_000 * SILENT_AFTER_INTERVALS;
    expect(live.nextCheck()).to.equal(T0 + limit);
    expect(live.silent(T0 + limit - 1)).to.deep.equal([]);
    expect(live.silent(T0 + limit)).to.deep.equal([{ member: 'bob', lastHeard: T0 }]);
    expect(live.silent(T0 + limit + 1)).to.deep.equal([]);
    expect(live.heard('bob', T0 + limit + 5)).to.equal(true); // back
    expect(live.heard('bob', T0 + limit + 6)).to.equal(false);
    expect(live.nextCheck()).to.equal(T0 + limit + 6 + limit);
    expect(live.heard('mallory', T0)).to.equal(false); // not a member
  });
});
