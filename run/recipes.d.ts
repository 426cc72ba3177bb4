// Typings of run/recipes.js (training recipes of figure presets).
import type { Config } from '../wasm/icl.js';

/** How a preset's models are trained: config fields laid under every job's config. */
export interface Recipe {
  training: Partial<Config['training']>;
  evaluation?: Partial<Config['evaluation']>;
  /** Per architecture (model.kind), a config patch laid over the recipe's fields: the initialisation, say. */
  architecture?: Partial<
    Record<
      Config['model']['kind'],
      { model?: Record<string, unknown>; training?: Partial<Config['training']>; evaluation?: Partial<Config['evaluation']> }
    >
  >;
}

/** A recipe as a resolved preset carries it: with its name. */
export interface NamedRecipe extends Recipe {
  name: string;
}

export const recipes: Record<string, Recipe>;
export const recipeNames: string[];
/** The recipe called `name` (a copy); throws an Error naming the known recipes for another name. */
export function recipeNamed(name: string): Recipe;
/** A job's config under a recipe: the recipe's fields first, the config over them. */
export function applyRecipe(recipe: Recipe, config: Record<string, unknown>): Record<string, unknown>;
/** The recipe in words ("fast: 1200 steps of 256 prompts; rate 0.015, …"). */
export function describeRecipe(name: string, recipe: Recipe): string;
