// The page's state in its URL (wasm/link.js is the format): read once on load, written with
// history.replaceState as the user edits, so the address bar is always the reproducible link.

import type { ConfigSchema } from '../../wasm/icl.js';
import { decodeState, encodeState, type DecodedState, type PageStateInput } from '../../wasm/link.js';

/** The link the page was opened with: its query (`?embed=1`) and fragment, the fragment winning. */
export function readPageLink(schema: ConfigSchema): DecodedState {
  const parts = [location.search.slice(1), location.hash.slice(1)].filter((part) => part !== '');
  return decodeState(`#${parts.join('&')}`, schema);
}

/** The page's address without query or fragment. */
export const pageAddress = () => `${location.origin}${location.pathname}`;

/** The page's address for a state. */
export function linkFor(state: PageStateInput): string {
  return `${pageAddress()}#${encodeState(state)}`;
}

let pending: number | null = null;

/** Writes the state into the address bar; calls within a quarter second are merged (browsers
 *  throttle replaceState). */
export function writePageLink(state: () => PageStateInput): void {
  if (pending !== null) window.clearTimeout(pending);
  pending = window.setTimeout(() => {
    pending = null;
    history.replaceState(history.state, '', `${location.pathname}#${encodeState(state())}`);
  }, 250);
}

/** Writes the state now (before the link is copied). */
export function writePageLinkNow(state: PageStateInput): void {
  if (pending !== null) window.clearTimeout(pending);
  pending = null;
  history.replaceState(history.state, '', `${location.pathname}#${encodeState(state)}`);
}
