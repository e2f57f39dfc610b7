// Acknowledgement deadlines (spec/12-semantics.md §3): every envelope of a kind
// that needs acknowledging expects, from every other member who is not an
// observer, three stages — received, understood, then accepted or rejected —
// each due a charter-given time after the envelope's time. The tracker says
// which stages became overdue (once each) and records late acknowledgements as
// late. Pure: time comes in as arguments.

export type AckStage = 'received' | 'understood' | 'decided';

export const ACK_STAGES: readonly AckStage[] = ['received', 'understood', 'decided'];

/** Deadlines of one precedence, ms after the envelope's time. */
export interface StageDeadlines {
  readonly received: number;
  readonly understood: number;
  /** accepted or rejected */
  readonly decided: number;
}

export interface Expectation {
  readonly envelope: string;
  readonly member: string;
  readonly stage: AckStage;
  readonly due: number;
}

export interface AckRecord {
  readonly stage: AckStage;
  /** Client clock when the acknowledgement arrived. */
  readonly at: number;
  readonly late: boolean;
  /** The ack envelope's id, hex. */
  readonly ack: string;
  /** For 'decided': accepted or rejected. */
  readonly decision?: 'accepted' | 'rejected';
}

interface Pending {
  readonly sent: number;
  readonly deadlines: StageDeadlines;
  /** member → stage → record */
  readonly acks: Map<string, Map<AckStage, AckRecord>>;
  readonly members: readonly string[];
  /** "member:stage" already reported overdue */
  readonly reported: Set<string>;
}

export class AckTracker {
  readonly #pending = new Map<string, Pending>();

  /** Expects acknowledgements of `envelope` (hex id) from `members` (hex keys, the sender excluded). */
  expect(
    envelope: string,
    time: number,
    deadlines: StageDeadlines,
    members: readonly string[],
  ): void {
    if (this.#pending.has(envelope) || members.length === 0) return;
    this.#pending.set(envelope, {
      sent: time,
      deadlines,
      acks: new Map(),
      members,
      reported: new Set(),
    });
  }

  /**
   * Records `member`'s acknowledgement of `envelope` at `stage` (a later stage
   * implies the earlier ones). Returns the records made (empty if the envelope is
   * not tracked or the member is not expected to acknowledge it).
   */
  acknowledge(
    envelope: string,
    member: string,
    stage: AckStage,
    at: number,
    ack: string,
    decision?: 'accepted' | 'rejected',
  ): AckRecord[] {
    const pending = this.#pending.get(envelope);
    if (pending === undefined || !pending.members.includes(member)) return [];
    let byStage = pending.acks.get(member);
    if (byStage === undefined) {
      byStage = new Map();
      pending.acks.set(member, byStage);
    }
    const made: AckRecord[] = [];
    for (const implied of ACK_STAGES.slice(0, ACK_STAGES.indexOf(stage) + 1)) {
      if (byStage.has(implied)) continue;
      // At the due time itself the stage is already overdue (see `overdue`): late.
      const late = at >= pending.sent + pending.deadlines[implied];
      const record: AckRecord = {
        stage: implied,
        at,
        late,
        ack,
        ...(implied === 'decided' && decision !== undefined ? { decision } : {}),
      };
      byStage.set(implied, record);
      made.push(record);
    }
    return made;
  }

  /** Stages that are due by `now` and not acknowledged, each reported once. */
  overdue(now: number): Expectation[] {
    const out: Expectation[] = [];
    for (const [envelope, pending] of this.#pending) {
      for (const member of pending.members) {
        for (const stage of ACK_STAGES) {
          const due = pending.sent + pending.deadlines[stage];
          const key = `${member}:${stage}`;
          if (due > now || pending.reported.has(key)) continue;
          if (pending.acks.get(member)?.has(stage)) continue;
          pending.reported.add(key);
          out.push({ envelope, member, stage, due });
        }
      }
    }
    return out;
  }

  /** The earliest due time of a stage not yet acknowledged nor reported, if any. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const pending of this.#pending.values()) {
      for (const member of pending.members) {
        for (const stage of ACK_STAGES) {
          if (pending.reported.has(`${member}:${stage}`)) continue;
          if (pending.acks.get(member)?.has(stage)) continue;
          const due = pending.sent + pending.deadlines[stage];
          if (next === undefined || due < next) next = due;
        }
      }
    }
    return next;
  }

  /** What each expected member has acknowledged of `envelope`. */
  status(envelope: string): { member: string; acks: AckRecord[] }[] | undefined {
    const pending = this.#pending.get(envelope);
    if (pending === undefined) return undefined;
    return pending.members.map((member) => ({
      member,
      acks: [...(pending.acks.get(member)?.values() ?? [])],
    }));
  }
}
