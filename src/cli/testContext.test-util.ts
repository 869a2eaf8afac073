import { PassThrough } from 'node:stream';
import type { CliContext, ExitCode } from './context.js';
import { main } from './index.js';

export interface TestRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output and the context given (no terminal by default). */
export async function runWith(
  args: string[],
  over: Partial<CliContext> & { env: NodeJS.ProcessEnv },
): Promise<TestRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  let code: ExitCode = 0;
  const ctx: CliContext = {
    stdout: out,
    stderr: err,
    interactive: false,
    color: false,
    exit: (c) => {
      code = c;
    },
    ...over,
    env: { USBMUXD_SOCKET_ADDRESS: 'UNIX:/nonexistent/spycheck-test-usbmuxd', ...over.env },
  };
  const result = await main(['node', 'spycheck', ...args], { ctx, code: () => code });
  return { code: result, stdout, stderr };
}
