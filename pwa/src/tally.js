/**
 * Tallies on the phone, by the server's rule (server/services/tally_cells.py): a household counts unless it is
 * voided or rejected by the coordinator. A record the server never accepted and that needs correction does not
 * count either (the server does not have it); each kind left out is counted apart, to be shown beside the figures.
 */

/** Why an assist is left out of the tally, or null when it counts. */
export function leftOut(a) {
  if (a.voided) return "voided";
  if (a.review_state === "rejected") return "rejected";
  if (!a.version && (a.state === "rejected" || a.state === "waiting")) return "needsCorrection";
  return null;
}

/**
 * @param {Array<{data: {members: number, outcome: string}, voided?: boolean, review_state?: string}>} assists
 * @returns {{households: number, persons: number, byOutcome: Record<string, number>,
 *   excluded: {voided: number, rejected: number, needsCorrection: number}}}
 */
export function tally(assists) {
  const result = { households: 0, persons: 0, byOutcome: {}, excluded: { voided: 0, rejected: 0, needsCorrection: 0 } };
  for (const a of assists) {
    const why = leftOut(a);
    if (why) {
      result.excluded[why] += 1;
      continue;
    }
    result.households += 1;
    result.persons += Number(a.data.members) || 0;
    result.byOutcome[a.data.outcome] = (result.byOutcome[a.data.outcome] || 0) + 1;
  }
  return result;
}
