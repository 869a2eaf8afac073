/**
 * Every phone family's phones in one list, before any consent: each family
 * is asked through its own transport (adb server, usbmuxd), and one that
 * cannot be reached gives a note instead of stopping the others.
 */
import type { PlatformId } from '../model/snapshot.js';
import type { ListedDevice, PhoneAccess } from '../platform/platform.js';

export interface FamilyListing {
  platform: PlatformId;
  devices: ListedDevice[];
  /** Set when the family's transport could not be reached or listed: plain words, one line */
  note?: string;
  /** Set when the list came from a built-in simulated phone */
  demoProfile?: string;
}

export async function listPhones(
  families: readonly PhoneAccess[],
  env: NodeJS.ProcessEnv,
  demo?: string | true,
): Promise<FamilyListing[]> {
  return Promise.all(
    families.map(async (family): Promise<FamilyListing> => {
      const conn = await family.connect(env, demo);
      if (!conn.ok) return { platform: family.id, devices: [], note: conn.message };
      try {
        const devices = await family.list(conn);
        return {
          platform: family.id,
          devices,
          ...(conn.demoProfile ? { demoProfile: conn.demoProfile } : {}),
        };
      } catch (e) {
        return { platform: family.id, devices: [], note: conn.describeError(e) };
      } finally {
        await conn.close();
      }
    }),
  );
}
