/**
 * What the signed-in user may do, as the server's permission table says (`capabilities` from /auth/me).
 * Screens ask `can(session, action)` instead of guessing from role names, so a new role needs no app change.
 */

/** Return whether the session's user may do action (e.g. "review.decide", "users.manage"). */
export function can(session, action) {
  return Boolean(session?.capabilities?.includes(action));
}

/** Return whether the user gets the staff screens (figures and review), which petugas never download. */
export function isStaff(session) {
  return can(session, "figures.view") || can(session, "review.view");
}

/** Return whether the user gets the administration hub (any of its screens). */
export function administers(session) {
  return ["users.manage", "targets.manage", "audit.view"].some((action) => can(session, action));
}

/** Return the session fields kept from a profile (/auth/me or a sign-in answer). */
export function sessionFields(profile) {
  return {
    userId: profile.id,
    username: profile.username,
    displayName: profile.display_name,
    role: profile.role,
    scope: (profile.areas || []).map((a) => a.code),
    capabilities: profile.capabilities || [],
    assignableRoles: profile.assignable_roles || [],
  };
}
