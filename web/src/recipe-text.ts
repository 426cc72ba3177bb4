// The training recipe of a figure panel as the page states it (run/recipes.js owns the recipes).
import { describeRecipe } from '../../run/recipes.js';
import type { Panel, ResolvedPanel } from '../../run/sweep.js';

/** The recipe a panel names for itself, "paper" when it names none. */
export function ownRecipe(panel: Panel): string {
  return typeof panel.recipe === 'string' ? panel.recipe : (panel.recipe?.name ?? 'paper');
}

/** The training recipe of a resolved panel in words, for the line under its chart. */
export function recipeLine(resolved: ResolvedPanel): string {
  return `Training recipe ${describeRecipe(resolved.recipe.name, resolved.recipe)}.`;
}
