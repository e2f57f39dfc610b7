// What the kind-body vector files share: groups of one kind's tests each, a check
// that every body code has a vector, and a suite part of one self-checked file.
import {
  checkEachTest,
  registryCodes,
  type Suite,
  selfCheckedFile,
  type TestCase,
  type TestChecker,
  type TestGroup,
} from './format.js';

/** One kind's tests. */
export interface KindCases<T> {
  readonly kind: number;
  readonly name: string;
  readonly description: string;
  readonly tests: T[];
}

/** One test group per kind, of group `type`. */
export function kindGroups<T extends TestCase>(type: string, kinds: readonly KindCases<T>[]) {
  return kinds.map((k) => ({
    type,
    description: k.description,
    kind: k.kind,
    kindName: k.name,
    tests: k.tests,
  }));
}

/** Refuses to write a file that has no vector for some BODY_* code. */
export function assertEveryBodyCode(groups: readonly { tests: readonly { error?: string }[] }[]) {
  const covered = new Set(groups.flatMap((g) => g.tests.map((t) => t.error)));
  const missing = registryCodes('body')
    .filter((code) => code !== 'KIND_UNSUPPORTED')
    .filter((code) => !covered.has(code));
  if (missing.length > 0) throw new Error(`no vector for ${missing.join(', ')}`);
}

/** A suite part that makes and checks exactly one file of test-vectors/kinds/. */
export function oneFileSuite<T extends TestCase, G extends TestGroup<T>>(options: {
  readonly file: string;
  readonly schema: string;
  readonly algorithm: string;
  readonly header: string[];
  readonly notes: Record<string, string>;
  readonly groups: () => G[];
  readonly checkTest: TestChecker<G, T>;
}): Suite {
  const { file, checkTest } = options;
  return {
    name: 'kinds',
    generate() {
      const testGroups = options.groups();
      assertEveryBodyCode(testGroups as readonly { tests: readonly { error?: string }[] }[]);
      const content = selfCheckedFile<T>(
        {
          $schema: `../schema/${options.schema}`,
          algorithm: options.algorithm,
          spec: 'spec/11-kinds.md',
          header: options.header,
          notes: options.notes,
          testGroups,
        },
        checkTest as TestChecker<TestGroup<T>, T>,
      );
      return { [file]: content };
    },
    check(fileName, content) {
      if (fileName !== file) return [`unexpected file ${fileName}`];
      return checkEachTest(content, checkTest);
    },
  };
}
