/**
 * The facts rules read from a Snapshot. A check that could not run makes its
 * facts unknown: rules that need them are "not evaluated", never clean.
 * Which checks supply each fact: analyze/facts.ts (derived, for Android,
 * from the step registry in snapshot/androidSteps.ts).
 */
export type Fact =
  | 'packages'
  | 'permissions'
  | 'launcher'
  | 'certs'
  | 'apk_hashes'
  | 'accessibility'
  | 'notification_listeners'
  | 'device_policy'
  | 'appops'
  | 'battery'
  | 'settings'
  | 'props'
  | 'root'
  | 'accounts'
  | 'adb_keys'
  /** apps installed and removed before the scan (battery history): see pastApps.ts */
  | 'past_packages'
  /** iPhone: the app list with signers, entitlements and background modes */
  | 'ios_apps'
  /** iPhone: passcode, supervision, Developer Mode, Wi-Fi sync (lockdown values) */
  | 'ios_device'
  /** iPhone: configuration profiles and the organisation's set-up (MCInstall) */
  | 'ios_profiles'
  /** Android: when each app last used location, the microphone, the camera, messages… */
  | 'recent_use'
  /** Android: apps linked to a watch or other nearby device (Companion Device Manager) */
  | 'companion_devices'
  /** Android: VPNs connected now and the always-on VPN, with the apps that set them up */
  | 'vpn'
  /** Android: enabled keyboards and the one in use */
  | 'keyboards'
  /** Android: which apps hold the roles for texts, calls, call screening and the assistant */
  | 'roles'
  /** Android: bytes each app sent since the phone started */
  | 'data_sent'
  /** Android: other users and profiles (work profile, second user) */
  | 'users'
  /** Android: whether the main user has a screen lock, and which kind (PIN, pattern, password) */
  | 'screen_lock';
