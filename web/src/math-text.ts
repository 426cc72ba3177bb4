// Display labels (wasm/labels.js) in HTML: their subscripts and superscripts as <sub> and <sup>, built
// as DOM nodes (the text is never read as HTML).

import { displayLabel, mathRuns } from '../../wasm/labels.js';

/** Fills `target` with the display form of `label` (symbols, scripts set). */
export function setLabel(target: HTMLElement, label: string): void {
  target.replaceChildren(
    ...mathRuns(displayLabel(label)).map((run) => {
      if (run.shift === null) return document.createTextNode(run.text);
      const script = document.createElement(run.shift === 'sub' ? 'sub' : 'sup');
      script.textContent = run.text;
      return script;
    }),
  );
}
