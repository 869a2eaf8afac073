import { describe, expect, it } from 'vitest';
import { detectShellError } from './shellError.js';
import { fixture, HOSTILE, PHONES } from './testdata/fixtures.js';

describe('detectShellError', () => {
  it.each([
    ['/system/bin/sh: which: not found', 'does not have the command "which"'],
    ['/system/bin/sh: sha256sum: inaccessible or not found', '"sha256sum"'],
    ["Can't find service: adb", 'no "adb" service'],
    ["cmd: Can't find service: appops", 'no "appops" service'],
    ['Error: Unknown option: -U', 'does not know the option -U'],
    ['Unknown command: query-activities', 'does not know the command'],
    [
      "Permission Denial: can't dump device_policy from from pid=123, uid=2000 due to missing android.permission.DUMP permission",
      'permission denial',
    ],
    ['java.lang.SecurityException: Shell does not have permission to access user 10', 'security'],
    [
      "Exception occurred while executing 'list':\njava.lang.IllegalArgumentException: Bad user number: x\n\tat com.android.server.pm.PackageManagerShellCommand",
      'exception',
    ],
    ['Security exception: Shell does not have permission', 'security'],
    ['Error: Unknown operation string: FOO_BAR', 'reported an error'],
    ['usage: settings [--user <USERID> | current] list NAMESPACE', 'usage'],
    ['AppOps service (appops) commands:\n  help\n    Print this help text.', 'help text'],
    ['Failure calling service package: Broken pipe (32)', 'could not reach'],
  ])('recognises %j', (text, expected) => {
    expect(detectShellError(text)).toContain(expected);
  });

  it('leaves normal output alone, even when it mentions errors or exceptions', () => {
    for (const phone of PHONES) {
      for (const file of [
        'dumpsys_package.txt',
        'pm_list.txt',
        'accessibility.txt',
        'account.txt',
      ]) {
        expect(detectShellError(fixture(`${phone}/${file}`))).toBeUndefined();
      }
    }
    const withError =
      'Packages:\n  Package [com.example.errorreporter] (1):\n    Error: not at start\n    java.lang.SecurityException in a name\n';
    expect(detectShellError(withError)).toBeUndefined();
    expect(detectShellError('com.example.ExceptionHandler')).toBeUndefined();
    expect(detectShellError('error_reporting_enabled=1')).toBeUndefined();
  });

  it('treats empty output as no error (many commands print nothing when nothing matches)', () => {
    expect(detectShellError('')).toBeUndefined();
    expect(detectShellError('\n  \n')).toBeUndefined();
  });

  it('keeps the phone text printable in the reason', () => {
    const r = detectShellError('Error: bad \u202eevil\u0007 text');
    expect(r).toBeDefined();
    expect(r).not.toMatch(/[\u202e\u0007]/);
  });

  it('never throws on hostile input', () => {
    for (const h of HOSTILE) expect(() => detectShellError(h)).not.toThrow();
  });
});
