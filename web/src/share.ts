// Sharing: the reproducible link of the current state, and the <iframe> snippet that embeds it. The
// embedded page reports its height (embed.ts), which the snippet's script applies to its iframe.

import { HEIGHT_MESSAGE } from './embed.ts';

/** The HTML a course page pastes to embed `url`: an iframe, and a script that sizes it. */
export function embedSnippet(url: string, title: string): string {
  const escaped = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  return [
    `<iframe src="${escaped(url)}" title="${escaped(title)}" width="100%" height="620" style="border:0;max-width:100%" loading="lazy"></iframe>`,
    `<script>addEventListener("message",function(e){if(e.data&&e.data.type==="${HEIGHT_MESSAGE}")` +
      `document.querySelectorAll("iframe").forEach(function(f){if(f.contentWindow===e.source)f.style.height=e.data.height+"px"})});</script>`,
  ].join('\n');
}

async function copyText(text: string, field: HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard access (an insecure origin, or a denied permission): leave the text selected.
    field.focus();
    field.select();
    return false;
  }
}

/** Shows `text` in `box` (a readonly box with a Copy button) and copies it. */
export function showShare(box: HTMLElement, heading: string, text: string): void {
  const title = document.createElement('p');
  title.className = 'share-title';
  title.textContent = heading;
  const field = document.createElement('textarea');
  field.readOnly = true;
  field.rows = text.includes('\n') ? 5 : 3;
  field.value = text;
  field.setAttribute('aria-label', heading);
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'secondary';
  copy.textContent = 'Copy';
  const note = document.createElement('span');
  note.className = 'share-note';
  note.setAttribute('role', 'status');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'secondary';
  close.textContent = 'Close';
  const row = document.createElement('div');
  row.className = 'share-actions';
  row.append(copy, close, note);
  box.replaceChildren(title, field, row);
  box.hidden = false;
  const doCopy = async () => {
    note.textContent = (await copyText(text, field)) ? 'Copied.' : 'Selected: press Ctrl+C (⌘C) to copy.';
  };
  copy.addEventListener('click', () => void doCopy());
  close.addEventListener('click', () => {
    box.hidden = true;
  });
  void doCopy();
}
