// The article's "try this" variations: each a patch of a preset's quick version (run/preset.js merge:
// objects merge key by key, arrays replace), labelled, run by the same preset runner as the figure. A
// variation is not a preset: a preset link cannot carry a patch (wasm/link.js), so a variation's link
// and embed open the preset it varies, and the figure says so. Pure data and logic (no DOM), so tests
// can check every variation against the core in Node (tests/js/tour.test.ts).

import { merge, resolvePreset, type Preset, type ResolvedPreset } from '../../run/preset.js';

export interface Variation {
  /** Unique within its preset; used in the page's data attributes. */
  id: string;
  /** The button's text (ASCII math is shown with symbols: labels.js displayLabel). */
  label: string;
  /** What the variation changes, in words, shown under the row when it is chosen. */
  change: string;
  /** What to look for: how the result tests the section's claim. */
  expect: string;
  /** A patch of the resolved quick preset. */
  patch: Record<string, unknown>;
}

const curve = (label: string, patch: Record<string, unknown>) => ({ label, patch });

export const VARIATIONS: Record<string, Variation[]> = {
  'fig2a-noiseless-iid': [
    {
      id: 'early-stop',
      label: 'Stop training after 100 steps',
      change: 'training.steps: 1,500 → 100',
      expect:
        'The models are no longer at the optimum: the gaps leave the band and the verdict fails. L*(n) is where training ends up, not something built into the models.',
      patch: { base: { training: { steps: 100 } } },
    },
    {
      id: 'larger-d',
      label: 'A larger dimension: d = 12',
      change: 'd: 8 → 12',
      expect: 'A new L*(n), higher and slower to fall (it starts near d), and both models land on it again.',
      patch: { base: { d: 12 } },
    },
  ],
  'fig2b-noisy-labels': [
    {
      id: 'more-noise',
      label: 'More label noise: sigma^2 = 2',
      change: 'data.noise_variance: 0.5 → 2',
      expect: 'The curve flattens towards σ² = 2 and both models follow it: their preconditioner shrinks with the noise.',
      patch: { base: { data: { noise_variance: 2 } } },
    },
    {
      id: 'no-noise',
      label: 'No noise: sigma^2 = 0',
      change: 'data.noise_variance: 0.5 → 0',
      expect: 'Back to Figure 2(a): the risk falls towards 0.',
      patch: { base: { data: { noise_variance: 0 } } },
    },
  ],
  'fig2c-nonisotropic-task': [
    {
      id: 'isotropic',
      label: 'Isotropic task: Sigma_beta = I',
      change: 'data.task_spectrum: power law → isotropic',
      expect: 'The isotropic curve of Figure 2(a), higher at every n: a spread-out spectrum is harder to learn in context.',
      patch: { base: { data: { task_spectrum: 'isotropic' } } },
    },
    {
      id: 'features',
      label: 'Put the power law in the features: Sigma_x',
      change: 'data.x_spectrum: isotropic → power law; data.task_spectrum: power law → isotropic',
      expect:
        'The same theory curve (the risk depends only on the eigenvalues of Σ_x^{1/2} Σ_β Σ_x^{1/2}), other data and another W*, and the models land on it again.',
      patch: { base: { data: { x_spectrum: 'power_law', task_spectrum: 'isotropic' } } },
    },
  ],
  'drift-h3-vs-attention': [
    {
      id: 'faster',
      label: 'Make the task drift faster: gamma = 0.7',
      change: 'data.gamma: 0.9 → 0.7',
      expect:
        'Every token now says less about the query’s task, so both risks rise towards d + σ²; H3 still leads, by less (9 % instead of 16 % in theory), since even the recent tokens it keeps are weaker evidence. Its lead is largest at a moderate drift.',
      patch: { axis: { values: [0.7] } },
    },
    {
      id: 'no-drift',
      label: 'Almost no drift: gamma = 0.999',
      change: 'data.gamma: 0.9 → 0.999',
      expect: 'With a task that hardly moves, equal weights are optimal again: the two theories meet and so do the models.',
      patch: { axis: { values: [0.999] } },
    },
  ],
  'label-flip': [
    {
      id: 'half',
      label: 'Flip half of the labels: p = 0.5',
      change: 'second curve: p = 0.2 → 0.5',
      expect:
        'A label is now as likely to lie as not: the context says nothing, the theory stays at d = 8 for every n, and the models stay there with it.',
      patch: {
        curves: [
          curve('p = 0', { data: { kind: 'label_flip', flip_probability: 0 } }),
          curve('p = 0.5', { data: { kind: 'label_flip', flip_probability: 0.5 } }),
        ],
      },
    },
    {
      id: 'more',
      label: 'More lies: p = 0.4',
      change: 'second curve: p = 0.2 → 0.4',
      expect:
        'With m² = 0.04 a corrupted context is worth a twenty-fifth of a clean one: at n = 16 the risk is still 7.5 of the 8 it starts from.',
      patch: {
        curves: [
          curve('p = 0', { data: { kind: 'label_flip', flip_probability: 0 } }),
          curve('p = 0.4', { data: { kind: 'label_flip', flip_probability: 0.4 } }),
        ],
      },
    },
  ],
  'fig3-rag': [
    {
      id: 'stronger',
      label: 'Stronger retrieval: alpha = 0.6',
      change: 'second curve: α = 0.3 → 0.6',
      expect: 'A much larger gain at small n; the grey asymptotic curve, made for d → ∞, misses the exact one by more.',
      patch: {
        curves: [curve('alpha = 0', { data: { kind: 'rag', alpha: 0 } }), curve('alpha = 0.6', { data: { kind: 'rag', alpha: 0.6 } })],
      },
    },
    {
      id: 'larger-d',
      label: 'A larger dimension: d = 12',
      change: 'd: 8 → 12',
      expect:
        'At the same α the factor κ = α²d + 1 grows with d (1.72 → 2.08): the retrieved context is worth more against the IID curve of the same d.',
      patch: { base: { d: 12 } },
    },
  ],
  'fig3-alignment': [
    {
      id: 'aligned-query',
      label: 'Align the query too (variant A)',
      change: 'data.query: isotropic → aligned',
      expect:
        'The query now carries the task as well: the risk of α = 0.3 starts higher (E[y²] grows) and falls faster, with an effective sample size of about κ²n.',
      patch: { base: { data: { query: 'aligned' } } },
    },
    {
      id: 'off',
      label: 'Turn alignment off: alpha = 0 for both',
      change: 'second curve: α = 0.3 → 0',
      expect: 'Both curves are the IID one: the two runs are the same config and seed, so they coincide exactly.',
      patch: {
        curves: [
          curve('alpha = 0', { data: { kind: 'alignment', alpha: 0 } }),
          curve('alpha = 0 (was 0.3)', { data: { kind: 'alignment', alpha: 0 } }),
        ],
      },
    },
  ],
  'fig3-low-rank': [
    {
      id: 'flat',
      label: 'Flat task spectrum: Sigma_beta = I',
      change: 'data.task_spectrum: (3, 2, 1, 0.5, 0.3, 0.2) → isotropic',
      expect: 'No direction matters more than another, so every extra rank buys the same step down.',
      patch: { base: { data: { task_spectrum: 'isotropic' } } },
    },
    {
      id: 'reversed',
      label: 'Put the top directions last',
      change: 'data.task_spectrum: (3, 2, 1, 0.5, 0.3, 0.2) → (0.2, 0.3, 0.5, 1, 2, 3)',
      expect:
        'The same theory (only the eigenvalues count, not where they sit), other data: each rank-r model still finds the r directions that carry the most of the task.',
      patch: { base: { data: { task_spectrum: [0.2, 0.3, 0.5, 1, 2, 3] } } },
    },
  ],
  'fig3-lora': [
    {
      id: 'rank-two-shift',
      label: 'A shift of rank two, ranks 1 to 3',
      change:
        'data.task_spectrum → (1.9, 0.1, 1, 1, 1, 1): two directions change, the trace stays 6; model.lora.rank ∈ {1, 2, 3}; 100,000 evaluation prompts, as the differences are small',
      expect:
        'Rank 1 is below the shift’s rank and stays above the new optimum; from rank 2 on, the adapter reaches it and extra rank adds nothing.',
      patch: { base: { data: { task_spectrum: [1.9, 0.1, 1, 1, 1, 1] }, evaluation: { prompts: 100000 } }, axis: { values: [1, 2, 3] } },
    },
    {
      id: 'no-shift',
      label: 'No shift: pretrain on the new task',
      change: 'model.lora.pretrain_task_spectrum: isotropic → (3, 2, 1, 0.5, 0.3, 0.2)',
      expect: 'There is nothing to adapt: every rank sits at the optimum of the new task.',
      patch: { base: { model: { lora: { pretrain_task_spectrum: [3, 2, 1, 0.5, 0.3, 0.2] } } } },
    },
  ],
};

/** The preset a variation runs: the preset's quick version with the variation's patch. */
export function variationPreset(preset: Preset, variation: Variation): ResolvedPreset {
  return merge(resolvePreset(preset, { quick: true }), variation.patch);
}

/** A trained model of a figure whose read-out (W_eff beside W*, ω beside ω*) the article shows: the
 *  preset's quick job of that curve and seed, so its numbers are the figure's. */
export interface ReadoutSpec {
  preset: string;
  curve: number;
  /** The context length whose model is read out. */
  n: number;
  view: 'preconditioner' | 'sample-weights';
}

export const READOUTS: ReadoutSpec[] = [
  { preset: 'fig2a-noiseless-iid', curve: 1, n: 16, view: 'preconditioner' },
  { preset: 'drift-h3-vs-attention', curve: 1, n: 20, view: 'sample-weights' },
];
