// A captured MainIo for running `main(argv, io)` in process.

import type { StdinIo } from '../src/commands/inspect.ts';
import type { MainIo } from '../src/main.ts';

export type CapturedIo = MainIo & StdinIo & { stdout: string; stderr: string };

export function capturedIo(
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): CapturedIo {
  const captured: CapturedIo = {
    env: options.env ?? {},
    cwd: options.cwd ?? '/nonexistent',
    stdout: '',
    stderr: '',
    out: (text: string) => {
      captured.stdout += text;
    },
    err: (text: string) => {
      captured.stderr += text;
    },
    ...(options.stdin === undefined ? {} : { readStdin: async () => options.stdin as string }),
  };
  return captured;
}
