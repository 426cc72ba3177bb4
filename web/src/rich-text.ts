// Text from the core's schema (labels and help) with TeX between $...$, typeset with KaTeX. Plain
// parts become text nodes, so nothing in the text is ever read as HTML.

import katex from 'katex';

/** Fills `target` with `text`, its $...$ parts typeset. */
export function renderRichText(target: HTMLElement, text: string): void {
  target.replaceChildren();
  text.split(/(\$[^$]+\$)/).forEach((part) => {
    if (part === '') return;
    if (part.length > 2 && part.startsWith('$') && part.endsWith('$')) {
      const formula = document.createElement('span');
      katex.render(part.slice(1, -1), formula, { throwOnError: false });
      target.append(formula);
    } else {
      target.append(document.createTextNode(part));
    }
  });
}
