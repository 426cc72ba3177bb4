// Labels as people read them. The module and the presets word their labels in ASCII ("kappa = alpha^2
// d + 1", "Sigma_beta = diag(d (1/i) / H_d)"); charts on the page and in the command line's SVGs show
// the symbols. displayLabel gives plain Unicode text (Σ_β, ŷ, α², ℝ^{D×r}), which serves in CSV, in
// tooltips and in aria-labels alike; where a subscript or superscript can be set (the page's HTML, the
// SVG files' own text), mathRuns splits that text into runs to be lowered or raised. Unicode has no
// subscript for most letters (no q, no d, no β in every font), so subscripts are kept as _x in plain text
// and typeset only where the medium can. KaTeX is for the page's prose; its HTML cannot live in a
// standalone SVG.

/** The label with its Greek letters, powers, arrows and operators as symbols. */
export function displayLabel(label) {
  return label
    .replace(/->/g, '→')
    .replace(/\by_hat\b/g, 'ŷ')
    .replace(/\bSigma_beta\b/g, 'Σ_β')
    .replace(/\bSigma_x\b/g, 'Σ_x')
    .replace(/\bSigma\b/g, 'Σ')
    .replace(/\bsqrt\(/g, '√(')
    .replace(/ in R\^\{([^}]*)\}/g, (_, exponent) => ` ∈ ℝ^{${exponent.replace(/ x /g, '×')}}`)
    .replace(/ - /g, ' − ')
    .replace(/\balpha\^2/g, 'α²')
    .replace(/\bsigma\^2/g, 'σ²')
    .replace(/\balpha\b/g, 'α')
    .replace(/\bkappa\b/g, 'κ')
    .replace(/\bgamma\b/g, 'γ')
    .replace(/\bsigma\b/g, 'σ')
    .replace(/\bomega\b/g, 'ω')
    .replace(/\bbeta\b/g, 'β')
    .replace(/\blambda\b/g, 'λ')
    .replace(/κ n\b/g, 'κn')
    .replace(/α² d\b/g, 'α²d');
}

// A subscript or superscript: _{...} or ^{...}, or _ followed by one word (letters, digits, Greek).
// A superscript needs braces, so that "L*" and "α²" stay as they are.
const SCRIPT = /_\{([^}]*)\}|\^\{([^}]*)\}|_([A-Za-z0-9\u0370-\u03ff]+)/g;

/**
 * The display text as runs: [{ text, shift: null | 'sub' | 'super' }], e.g. "Σ_β = I" gives
 * [{ text: 'Σ', shift: null }, { text: 'β', shift: 'sub' }, { text: ' = I', shift: null }]. A word
 * joined by an underscore inside an identifier (a config path such as noise_variance) is not a
 * subscript: only a symbol of at most one letter before the underscore is subscripted.
 */
export function mathRuns(text) {
  const runs = [];
  let last = 0;
  const push = (part, shift) => {
    if (part !== '') runs.push({ text: part, shift });
  };
  for (const match of text.matchAll(SCRIPT)) {
    const before = text.slice(0, match.index);
    // The base of a script: one letter (or a letter and a star, L*_r), not the end of a longer word.
    if (match[3] !== undefined && !/(^|[^A-Za-z0-9])[A-Za-z\u0370-\u03ff]\*?$/.test(before)) continue;
    push(text.slice(last, match.index), null);
    if (match[1] !== undefined) push(match[1], 'sub');
    else if (match[2] !== undefined) push(match[2], 'super');
    else push(match[3], 'sub');
    last = match.index + match[0].length;
  }
  push(text.slice(last), null);
  return runs;
}

/** The risk axis of every chart. */
export const RISK_AXIS_LABEL = 'test risk E[(y − ŷ)²]';
