// Formulas on the page, typeset with KaTeX (bundled with its CSS and fonts: no request leaves the
// page's origin).

import katex from 'katex';
import 'katex/dist/katex.min.css';

/** Typesets every element with a data-tex attribute; data-display="block" for display style. */
export function renderFormulas(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-tex]')) {
    katex.render(element.dataset.tex ?? '', element, {
      displayMode: element.dataset.display === 'block',
      // A typo in a formula should show as red source text, never break the page.
      throwOnError: false,
    });
  }
}
