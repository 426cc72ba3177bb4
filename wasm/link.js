// Links: the whole state of the page in a URL fragment, read the same way by the page and the
// command line. A fragment is `#` followed by `key=value` pairs joined by `&` (URL-encoded):
//   v=<link version>  b=<build id>          always written
//   <config path>=<value>                  only the values that differ from the default config
//                                          (d=7, data.kind=rag, data.alpha=0.5, n=5,10,20)
//   preset=<panel id>  quick=1             the chosen figure panel and its reduced run
//   log=1  fit=1                           chart options (log n axis, fitted risk axis)
//   run=1  embed=1  hide=a,b  autoplay=1   what opening the link does (not part of the state proper)
// Values are parsed with the types of the core's config schema; the core validates them.

/** Version of the link format; bump it with a migration in migrateLink when keys change meaning. */
export const LINK_VERSION = 1;

function pairs(entries) {
  return entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value).replaceAll('%2C', ',')}`).join('&');
}

/** The link of a figure panel: `base` (the page's address) + `#v=1&b=<build>&preset=<id>[&quick=1]`. */
export function panelLink({ preset, quick = false, buildId, base = '' }) {
  const entries = [['v', String(LINK_VERSION)], ['b', buildId], ['preset', preset]];
  if (quick) entries.push(['quick', '1']);
  return `${base}#${pairs(entries)}`;
}
