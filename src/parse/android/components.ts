import type { ParseResult } from '../../model/parse.js';
import type { ComponentRef } from '../../model/snapshot.js';
import { isPackageName, quote } from './text.js';

export const PARSER = { id: 'android.components', version: 1 } as const;

/**
 * One flattened component name ("com.a/.Svc" or "com.a/com.a.Svc"), as
 * Android's ComponentName.unflattenFromString reads it: a class starting with
 * "." is relative to the package. Undefined when it is not a component name.
 */
export function parseComponent(text: string): ComponentRef | undefined {
  const raw = text.trim();
  const slash = raw.indexOf('/');
  if (slash <= 0 || slash === raw.length - 1) return undefined;
  const pkg = raw.slice(0, slash);
  const cls = raw.slice(slash + 1);
  if (!isPackageName(pkg) || /[\s/{}]/.test(cls)) return undefined;
  return { package: pkg, component: cls.startsWith('.') ? pkg + cls : cls, raw };
}

/**
 * Colon-separated component lists as stored in settings such as
 * enabled_accessibility_services and enabled_notification_listeners.
 * Empty, "null" and stray separators give an empty list.
 */
export function parseComponentList(value: string | undefined): ParseResult<ComponentRef[]> {
  const parsed: ComponentRef[] = [];
  const warnings: string[] = [];
  if (value === undefined) return { parsed, warnings };
  const v = value.trim();
  if (v === '' || v === 'null') return { parsed, warnings };
  const seen = new Set<string>();
  // A value glued to a broken next line (no `=`) must not swallow a real component.
  for (const part of v.split(/[:\r\n]/)) {
    if (part.trim() === '') continue;
    const ref = parseComponent(part);
    if (!ref) {
      warnings.push(`Could not read the component name ${quote(part)}`);
      continue;
    }
    if (seen.has(ref.raw)) continue;
    seen.add(ref.raw);
    parsed.push(ref);
  }
  return { parsed, warnings };
}
