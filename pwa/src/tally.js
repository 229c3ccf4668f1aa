/**
 * Tallies on the phone: households, persons and outcomes of a set of assists (voided ones excluded).
 */

/**
 * @param {Array<{data: {members: number, outcome: string}, voided?: boolean}>} assists
 * @returns {{households: number, persons: number, byOutcome: Record<string, number>}}
 */
export function tally(assists) {
  const result = { households: 0, persons: 0, byOutcome: {} };
  for (const a of assists) {
    if (a.voided) continue;
    result.households += 1;
    result.persons += Number(a.data.members) || 0;
    result.byOutcome[a.data.outcome] = (result.byOutcome[a.data.outcome] || 0) + 1;
  }
  return result;
}
