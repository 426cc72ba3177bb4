// Training recipes: how a figure preset's models are trained and measured (steps, batch, learning-rate
// schedule, iterate averaging, the live evaluation set, the initialisation of each architecture). A
// preset names its recipe (wasm/presets/*.json "recipe"); any recipe can replace it for a run (the page's
// recipe choice, `reproduce --recipe`, tests/bench/recipes.mjs), so two recipes compare in one run.
//
// The recipes are the playground's own choice, chosen by the search of tests/bench/recipes.mjs for the
// fewest prompts at which every preset stays within its tolerances (README: "Training recipes"). "paper"
// is paper-spec §4's: 4000 Adam steps of 1024 prompts.

import { merge } from './merge.js';

// The averaged recipe the search found: a larger rate than paper-spec's after a short warm-up, a cosine
// fall, and the mean of the last 40 % of the iterates as the evaluated weights (README: "Training recipes").
const averagedTraining = {
  steps: 1200,
  batch_size: 256,
  learning_rate: 0.015,
  lr_schedule: 'cosine',
  warmup: 0.02,
  lr_decay_factor: 0.01,
  average: 'tail',
  average_from: 0.6,
};
const averagedEvaluation = { prompts: 100000, live_prompts: 1024 };

/** @type {Record<string, import('./recipes.d.ts').Recipe>} */
export const recipes = {
  paper: {
    training: {
      steps: 4000,
      batch_size: 1024,
      learning_rate: 0.003,
      lr_schedule: 'step',
      warmup: 0,
      lr_decay_at: 0.75,
      lr_decay_factor: 0.1,
      average: 'none',
    },
    evaluation: { prompts: 100000, live_prompts: 4096 },
  },
  // Figure 2, RAG, alignment and drift. The symmetric start (W_k = W_q small, w_v = e_D) spares attention
  // the escape from the Gaussian start's saddle, which at this budget stalls the small-n points of fig2c.
  fast: {
    training: averagedTraining,
    evaluation: averagedEvaluation,
    architecture: { attention: { model: { init: 'symmetric', init_std: 0.03 } } },
  },
  // Factored attention learns its directions one at a time; the slow ones (the power law's tail) need a
  // larger rate and a shorter memory of the gradient's scale (beta2).
  'low-rank': {
    training: { ...averagedTraining, steps: 1500, learning_rate: 0.03, adam_beta2: 0.99 },
    evaluation: averagedEvaluation,
  },
  // LoRA from its Gaussian start; the pretraining runs as many steps as the adaptation (applyRecipe).
  lora: { training: averagedTraining, evaluation: averagedEvaluation },
};

/** The names of the recipes, for choices and messages. */
export const recipeNames = Object.keys(recipes);

/** The recipe called `name`, or an error naming the known ones. */
export function recipeNamed(name) {
  if (!Object.hasOwn(recipes, name)) {
    throw new Error(`unknown recipe '${name}' (known: ${recipeNames.join(', ')})`);
  }
  return structuredClone(recipes[name]);
}

/**
 * A job's config under a recipe: the recipe's training and evaluation fields, then its patch for the
 * config's architecture (model.kind), then the config over them (a preset's own fields win); LoRA's
 * pretraining runs as many steps as the training unless the config sets them.
 */
export function applyRecipe(recipe, config) {
  const kind = config.model?.kind ?? 'attention';
  let layer = { training: recipe.training, ...(recipe.evaluation ? { evaluation: recipe.evaluation } : {}) };
  if (recipe.architecture?.[kind]) layer = merge(layer, recipe.architecture[kind]);
  const out = merge(layer, config);
  if (out.model?.lora && out.model.lora.pretrain_steps === undefined) {
    out.model.lora.pretrain_steps = out.training.steps;
  }
  return out;
}

const percent = (fraction) => `${+(100 * fraction).toFixed(1)} %`;

/** The recipe in words, from its fields: the line a chart and an export carry. */
export function describeRecipe(name, recipe) {
  const t = recipe.training;
  const parts = [`${t.steps} steps of ${t.batch_size} prompts`];
  const rate = [`rate ${t.learning_rate}`];
  if (t.warmup) rate.push(`${percent(t.warmup)} warm-up`);
  if (t.lr_schedule === 'step') rate.push(`× ${t.lr_decay_factor} at ${percent(t.lr_decay_at)}`);
  else rate.push(`${t.lr_schedule} to ${percent(t.lr_decay_factor)}`);
  parts.push(rate.join(', '));
  if (t.adam_beta2 !== undefined) parts.push(`Adam β2 ${t.adam_beta2}`);
  if (t.batch_ramp) parts.push(`batch from ${t.batch_size_start} over ${percent(t.batch_ramp)}`);
  if (t.average === 'tail') parts.push(`tail average from ${percent(t.average_from)}`);
  if (t.average === 'ema') parts.push(`EMA ${t.ema_decay} from ${percent(t.average_from)}`);
  for (const [kind, patch] of Object.entries(recipe.architecture ?? {})) {
    const what = [];
    const { model = {}, training = {}, evaluation = {} } = patch;
    if (training.steps !== undefined) what.push(`${training.steps} steps`);
    if (training.batch_size !== undefined) what.push(`batch ${training.batch_size}`);
    if (model.init !== undefined || model.init_std !== undefined) {
      what.push(`init ${[model.init, model.init_std !== undefined ? `σ ${model.init_std}` : null].filter(Boolean).join(' ')}`);
    }
    if (evaluation.prompts !== undefined) what.push(`${evaluation.prompts} evaluation prompts`);
    if (what.length) parts.push(`${kind === 'h3' ? 'H3' : kind}: ${what.join(', ')}`);
  }
  const e = recipe.evaluation;
  if (e?.prompts !== undefined)
    parts.push(`evaluated on ${e.prompts} prompts${e.live_prompts !== undefined ? ` (live ${e.live_prompts})` : ''}`);
  return `${name}: ${parts.join('; ')}`;
}
