/**
 * springboardservices getIconState (formatVersion 2) → the apps that have an
 * icon on the home screen. The answer is a list: the dock, then each page;
 * a page holds icons (`bundleIdentifier`, older phones `displayIdentifier`),
 * folders (`listType: folder` with `iconLists`, a list of folder pages),
 * web clips (`webClipURL`) and, since iOS 14, widgets and widget stacks
 * (`iconType: custom`, `elementType: widget`, `elements`). A widget is not an icon:
 * an app whose only trace is a widget has no icon.
 */
import type { ParseResult } from '../../model/parse.js';
import { type Dict, get, isDict, quote, Warnings } from './values.js';

export const PARSER = { id: 'ios.iconState', version: 1 } as const;

export interface HomeScreen {
  /** false when the answer was not a home-screen layout: then no app can be called visible */
  read: boolean;
  /** Bundle ids with an icon (dock, pages, folders), in the order found, each once */
  bundleIds: string[];
  /** Pages, the dock included */
  pages: number;
  folders: number;
  webClips: number;
  widgets: number;
}

/** Deepest folder nesting followed (iOS has one level; more is hostile or broken). */
const MAX_DEPTH = 8;
/** Most items looked at (a full phone has a few hundred). */
const MAX_ITEMS = 20_000;

export function parseIconState(reply: unknown): ParseResult<HomeScreen> {
  const w = new Warnings();
  const out: HomeScreen = {
    read: false,
    bundleIds: [],
    pages: 0,
    folders: 0,
    webClips: 0,
    widgets: 0,
  };
  if (!Array.isArray(reply)) {
    if (isDict(reply) && typeof get(reply, 'Error') === 'string')
      w.add(`The phone did not give its home screen: ${quote(get(reply, 'Error') as string)}`);
    else w.add('The home-screen answer is not a list of pages; not used');
    return { parsed: out, warnings: w.done() };
  }
  const seen = new Set<string>();
  let items = 0;
  let cut = false;
  const walkList = (list: unknown[], depth: number): void => {
    for (const item of list) {
      if (cut) return;
      if (++items > MAX_ITEMS) {
        cut = true;
        w.add(`The home screen has more than ${MAX_ITEMS} items; not used to tell hidden apps`);
        return;
      }
      if (Array.isArray(item)) {
        if (depth >= MAX_DEPTH) w.add('The home screen nests lists too deeply; the rest skipped');
        else walkList(item, depth + 1);
        continue;
      }
      if (!isDict(item)) continue;
      walkItem(item, depth);
    }
  };
  const walkItem = (item: Dict, depth: number): void => {
    if (get(item, 'webClipURL') !== undefined) {
      out.webClips++;
      return;
    }
    // Strict on purpose: taking an app icon for a widget would call that app hidden.
    if (
      get(item, 'iconType') === 'custom' ||
      get(item, 'elementType') === 'widget' ||
      Array.isArray(get(item, 'elements'))
    ) {
      out.widgets++;
      return;
    }
    const lists = get(item, 'iconLists');
    if (get(item, 'listType') === 'folder' || Array.isArray(lists)) {
      out.folders++;
      if (Array.isArray(lists)) {
        if (depth >= MAX_DEPTH) w.add('The home screen nests folders too deeply; the rest skipped');
        else walkList(lists, depth + 1);
      }
      return;
    }
    const id = get(item, 'bundleIdentifier') ?? get(item, 'displayIdentifier');
    if (typeof id === 'string' && id !== '') {
      if (!seen.has(id)) {
        seen.add(id);
        out.bundleIds.push(id);
      }
    }
  };
  for (const page of reply) {
    if (cut) break;
    if (!Array.isArray(page)) {
      w.add('A home-screen page is not a list; skipped');
      continue;
    }
    out.pages++;
    walkList(page, 1);
  }
  // Cut short, an app missing from what was read may be on a page not read: not used for hidden.
  out.read = out.pages > 0 && !cut;
  if (out.pages === 0) w.add('The home screen has no pages; not used');
  return { parsed: out, warnings: w.done() };
}
