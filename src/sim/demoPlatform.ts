/** Which phone family a built-in simulated phone is, from its profile (`platform: ios`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PlatformId } from '../model/snapshot.js';
import { resolveProfileDir } from './profileFiles.js';

/**
 * `ios` when the profile says `platform: ios`; otherwise `android` (Android
 * profiles carry no platform field). A profile that cannot be read counts
 * as Android, whose loader then reports the problem in its own words.
 */
export function demoPlatformOf(profile: string): PlatformId {
  try {
    const yaml: unknown = parseYaml(
      readFileSync(join(resolveProfileDir(profile), 'profile.yaml'), 'utf8'),
    );
    return (yaml as { platform?: unknown } | null)?.platform === 'ios' ? 'ios' : 'android';
  } catch {
    return 'android';
  }
}
