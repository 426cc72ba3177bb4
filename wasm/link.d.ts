// Typings of wasm/link.js: the link format of the page's state.
export const LINK_VERSION: number;
/** The link of a figure panel: `base` (the page's address) + `#v=1&b=<build>&preset=<id>[&quick=1]`. */
export function panelLink(options: { preset: string; quick?: boolean; buildId: string; base?: string }): string;
