import { execFileSync } from 'node:child_process';

/** Whether a program is on this computer's PATH (tests that need one skip without it). */
export function hasTool(name: string): boolean {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return false;
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
