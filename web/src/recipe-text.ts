// The training recipe of a figure preset as the page states it (run/recipes.js owns the recipes).
import { describeRecipe } from '../../run/recipes.js';
import type { Preset, ResolvedPreset } from '../../run/preset.js';

/** The recipe a preset names for itself, "paper" when it names none. */
export function ownRecipe(preset: Preset): string {
  return typeof preset.recipe === 'string' ? preset.recipe : (preset.recipe?.name ?? 'paper');
}

/** The training recipe of a resolved preset in words, for the line under its chart. */
export function recipeLine(resolved: ResolvedPreset): string {
  return `Training recipe ${describeRecipe(resolved.recipe.name, resolved.recipe)}.`;
}
