export const OUTLIER_FACTOR: number;
/** The axis top fitted to the theory and the sound empirical values; outliers lie above OUTLIER_FACTOR x the theory maximum. */
export function riskAxis(
  theoryValues: readonly number[],
  empiricalValues: readonly number[],
): { top: number; isOutlier(value: number): boolean };
