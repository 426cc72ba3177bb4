// Embedded mode (embed=1): the chart alone, with its legend, caption and run control; hide= hides more
// parts. The page reports its height to the page that embeds it, which sizes the iframe (share.ts).

import { HIDEABLE_PARTS } from '../../wasm/link.js';

/** The message type of a height report; share.ts's snippet listens for it. */
export const HEIGHT_MESSAGE = 'icl-playground:height';

/** Turns on embedded mode for `target` ('experiment' or 'preset'); `openUrl` is the full page. */
export function enterEmbedMode(target: 'experiment' | 'preset', openUrl: string): void {
  document.body.classList.add('embed');
  document.body.dataset.embed = target;
  const open = document.getElementById('embed-open');
  const anchor = open?.querySelector('a');
  if (open && anchor) {
    anchor.href = openUrl;
    open.hidden = false;
  }
  reportHeight();
}

/** Hides the named parts of the page (names checked by the link reader). */
export function hideParts(parts: readonly string[]): void {
  for (const part of parts) if (HIDEABLE_PARTS.includes(part)) document.body.classList.add(`hide-${part}`);
}

function reportHeight(): void {
  if (window.parent === window) return;
  let last = -1;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // Only a height crosses: any page may embed the playground, so the target origin is '*'.
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  new ResizeObserver(post).observe(document.body);
  post();
}
