import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultBundleDir } from './bundleDir.js';

describe('defaultBundleDir', () => {
  it('names the folder by case reference, then time, then the end of the phone id', () => {
    expect(defaultBundleDir('2026-11-30T10:02:03.456Z', 'R58R41ABCDE', 'DV-2026/041')).toBe(
      join('spycheck-reports', 'DV-2026-041-20261130T100203Z-1ABCDE'),
    );
    expect(defaultBundleDir('2026-11-30T10:02:03.456Z', 'R58R41ABCDE')).toBe(
      join('spycheck-reports', '20261130T100203Z-1ABCDE'),
    );
  });
  it('keeps only safe characters of a hostile case reference (no path, no dots)', () => {
    const dir = defaultBundleDir('2026-11-30T10:02:03Z', 'X', '../../etc/passwd\u202e');
    expect(dir).toBe(join('spycheck-reports', 'etc-passwd-20261130T100203Z-X'));
  });
});
