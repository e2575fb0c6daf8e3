/**
 * Entra ID Protection's risk levels and the rule that picks which risky users get a card
 * (RISKY_USERS_MIN_LEVEL). Pure.
 */

/** The levels an admin may choose as the threshold, lowest first. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** True if `level` (as Graph spells it) is at or above `min`; `hidden`, `none` and unknown values never are. */
export function atOrAbove(level: string, min: RiskLevel): boolean {
  const rank = RISK_LEVELS.indexOf(level as RiskLevel);
  return rank >= 0 && rank >= RISK_LEVELS.indexOf(min);
}

/**
 * The `$filter` of the poll: users Entra currently holds at risk, at `min` or above. Each level is its own
 * `eq`, as Graph documents for riskLevel, rather than `in`, which Identity Protection does not document.
 */
export function riskyUsersFilter(min: RiskLevel): string {
  const levels = RISK_LEVELS.slice(RISK_LEVELS.indexOf(min)).map((l) => `riskLevel eq '${l}'`);
  const clause = levels.length === 1 ? levels[0] : `(${levels.join(' or ')})`;
  return `riskState eq 'atRisk' and ${clause}`;
}
