// The human-readable form of an inspection: one "label  value" line per field,
// nested views indented under their field. Hex is printed in full, to be copied.

import type {
  BodyView,
  CharterView,
  CheckpointView,
  EnvelopeView,
  ErrorView,
  FailedView,
  FrameFieldView,
  FrameView,
  Inspection,
  KindView,
  ReceiptView,
  TimeView,
  Verification,
  View,
} from './views.js';

const LABEL_WIDTH = 12;

class Lines {
  readonly lines: string[] = [];

  constructor(private readonly indent = '') {}

  line(text: string): void {
    this.lines.push(`${this.indent}${text}`);
  }

  field(label: string, value: string | number): void {
    this.line(`${label.padEnd(LABEL_WIDTH)}${value}`);
  }

  /** A labelled block whose lines are indented by two more spaces. */
  block(label: string, fill: (inner: Lines) => void): void {
    this.line(label);
    const inner = new Lines(`${this.indent}  `);
    fill(inner);
    this.lines.push(...inner.lines);
  }
}

export function describeError(error: ErrorView): string {
  const where = [
    ...(error.field === undefined ? [] : [`field ${error.field}`]),
    ...(error.offset === undefined ? [] : [`offset ${error.offset}`]),
  ];
  const code = error.code ?? 'error';
  return `${code}${where.length === 0 ? '' : ` (${where.join(', ')})`}: ${error.message}`;
}

function time(view: TimeView): string {
  return `${view.iso ?? 'beyond the range of a date'} (${view.ms} ms)`;
}

function kind(view: KindView): string {
  return view.name === null
    ? `${view.number} (unregistered, ${view.range} range)`
    : `${view.name} (${view.number})`;
}

function bodyText(view: BodyView): string {
  if (view.text !== undefined) return `${JSON.stringify(view.text)} (${view.size} bytes, UTF-8)`;
  return `${view.hex === '' ? '(empty)' : view.hex} (${view.size} bytes, hex)`;
}

function bodyLines(out: Lines, view: BodyView, decodedBelow: boolean): void {
  out.field('body', bodyText(view));
  // The kind's own canonical CBOR, shown decoded unless a section below decodes it.
  if (view.cbor !== undefined && !decodedBelow) out.field('', `as CBOR: ${view.cbor}`);
}

function verdict(out: Lines, verification: Verification | undefined, what: string): void {
  if (verification === undefined) {
    out.field(what, 'not verified (use --verify)');
  } else if (verification.verified) {
    out.field(what, 'VERIFIED');
  } else {
    out.field(what, `FAILED ${describeError(verification.error)}`);
  }
}

function failed(out: Lines, view: FailedView): void {
  out.line(`not a valid ${view.as}: ${describeError(view.error)}`);
}

function charter(out: Lines, view: CharterView): void {
  if (view.error !== undefined) {
    out.line(`does NOT found its channel: ${describeError(view.error)}`);
  }
  out.field('channel', view.channel);
  out.block(`members (${view.members.length})`, (inner) => {
    for (const member of view.members) {
      const encryption =
        member.encryptionKey === undefined ? '' : ` encryption key ${member.encryptionKey}`;
      inner.line(`${member.key} ${JSON.stringify(member.name)}${encryption}`);
    }
  });
  out.block(`relays (${view.relays.length})`, (inner) => {
    for (const relay of view.relays) inner.line(`${relay.key} ${relay.url}`);
  });
  out.block('params', (inner) => {
    inner.field('heartbeat', `${view.params.heartbeatInterval} ms`);
  });
}

function envelope(out: Lines, view: EnvelopeView): void {
  out.field('id', view.id);
  out.field('version', view.version);
  out.field('channel', view.channel);
  out.field('sender', view.sender);
  out.field('seq', view.seq);
  out.field('prev', view.prev ?? '(none: first of its chain)');
  out.field('time', time(view.time));
  out.field('kind', kind(view.kind));
  out.field('precedence', view.precedence);
  if (view.ref !== undefined) out.field('ref', view.ref);
  if (view.expiry !== undefined) out.field('expiry', time(view.expiry));
  if (view.recipients === undefined) {
    out.field('recipients', '(absent)');
  } else {
    const recipients = view.recipients;
    out.block(`recipients (${recipients.length})`, (inner) => {
      for (const key of recipients) inner.line(key);
    });
  }
  bodyLines(out, view.body, view.charter !== undefined && view.charter.type === 'charter');
  out.field('signature', view.signature);
  verdict(out, view.verification, 'verdict');
  const decoded = view.charter;
  if (decoded !== undefined) {
    out.block('charter', (inner) =>
      decoded.type === 'undecodable' ? failed(inner, decoded) : charter(inner, decoded),
    );
  }
}

function checkpoint(out: Lines, view: CheckpointView): void {
  out.field('relay', view.relay);
  out.field('channel', view.channel);
  out.field('tree size', view.treeSize);
  out.field('root', view.root);
  out.field('time', time(view.time));
  out.field('signature', view.signature);
  verdict(out, view.verification, 'verdict');
}

function receipt(out: Lines, view: ReceiptView): void {
  out.field('index', view.index);
  out.field('id', view.id);
  out.block(`proof (${view.proof.length} hashes)`, (inner) => {
    for (const hash of view.proof) inner.line(hash);
  });
  verdict(out, view.verification, 'verdict');
  const inner = view.checkpoint;
  out.block(heading(inner), (lines) => content(lines, inner));
}

function isTime(value: FrameFieldView): value is TimeView {
  return typeof value === 'object' && 'ms' in value && 'iso' in value;
}

function isView(value: FrameFieldView): value is View | FailedView {
  return typeof value === 'object' && 'type' in value;
}

function frameField(out: Lines, name: string, value: FrameFieldView): void {
  if (typeof value === 'number' || typeof value === 'string') {
    out.field(name, value);
  } else if (Array.isArray(value)) {
    const items = value as readonly string[];
    out.block(`${name} (${items.length})`, (inner) => {
      for (const item of items) inner.line(item);
    });
  } else if (isTime(value as FrameFieldView)) {
    out.field(name, time(value as TimeView));
  } else if (isView(value as FrameFieldView)) {
    const view = value as View | FailedView;
    out.block(`${name}: ${heading(view)}`, (inner) => content(inner, view));
  } else {
    const detail = Object.entries(value as Record<string, number | string>);
    out.block(name, (inner) => {
      if (detail.length === 0) inner.line('(empty)');
      for (const [key, item] of detail) inner.field(key, item);
    });
  }
}

function frame(out: Lines, view: FrameView): void {
  out.field('request id', view.requestId === 0 ? '0 (no request)' : view.requestId);
  for (const [name, value] of Object.entries(view.fields)) frameField(out, name, value);
}

function heading(view: View | FailedView): string {
  switch (view.type) {
    case 'undecodable':
      return `undecodable ${view.as}`;
    case 'envelope':
      return `envelope (${view.size} bytes)`;
    case 'checkpoint':
      return `checkpoint (${view.size} bytes)`;
    case 'receipt':
      return `receipt (${view.size} bytes)`;
    case 'frame':
      return `${view.from} frame ${view.frame} (type ${view.value})`;
    case 'charter':
      return 'charter body';
  }
}

function content(out: Lines, view: View | FailedView): void {
  switch (view.type) {
    case 'undecodable':
      return failed(out, view);
    case 'envelope':
      return envelope(out, view);
    case 'checkpoint':
      return checkpoint(out, view);
    case 'receipt':
      return receipt(out, view);
    case 'frame':
      return frame(out, view);
    case 'charter':
      return charter(out, view);
  }
}

/** The lines `hotline inspect` prints for an inspection, without line breaks. */
export function renderInspection(inspection: Inspection): string[] {
  const out = new Lines();
  const view = inspection.view;
  if (view === undefined) {
    out.line(
      inspection.attempts.length === 1 ? 'does not decode:' : 'does not decode as any of these:',
    );
    for (const attempt of inspection.attempts) {
      out.line(`  ${attempt.as}: ${describeError(attempt.error)}`);
    }
    return out.lines;
  }
  out.block(heading(view), (inner) => content(inner, view));
  if (inspection.problems > 0) {
    out.line(`${inspection.problems} problem${inspection.problems === 1 ? '' : 's'} found`);
  }
  return out.lines;
}
