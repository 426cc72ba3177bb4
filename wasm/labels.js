// Labels as people read them. The module words its labels in ASCII ("kappa = alpha^2 d + 1", the
// presets' "drift correlation gamma"); charts on the page and in the command line's SVGs show the
// symbols. Plain Unicode text, so it serves in SVG and CSV alike (KaTeX is for the page's HTML only).

/** The label with its Greek letters, powers and arrows as symbols. */
export function displayLabel(label) {
  return label
    .replace(/->/g, '→')
    .replace(/\balpha\^2/g, 'α²')
    .replace(/\bsigma\^2/g, 'σ²')
    .replace(/\balpha\b/g, 'α')
    .replace(/\bkappa\b/g, 'κ')
    .replace(/\bgamma\b/g, 'γ')
    .replace(/\bsigma\b/g, 'σ')
    .replace(/\bomega\b/g, 'ω')
    .replace(/\bbeta\b/g, 'β')
    .replace(/κ n\b/g, 'κn')
    .replace(/α² d\b/g, 'α²d');
}

/** The risk axis of every chart. */
export const RISK_AXIS_LABEL = 'test risk E[(y − ŷ)²]';
