/**
 * Every server address the app calls, written once: screens name what they want, not how its URL is spelled.
 */
const V1 = "/api/v1";

export const api = {
  login: `${V1}/auth/login`,
  codeLogin: `${V1}/auth/code`,
  logout: `${V1}/auth/logout`,
  me: `${V1}/auth/me`,
  devices: `${V1}/devices`,
  /** @param {"revoke"|"restore"} action */
  device: (id, action) => `${V1}/devices/${id}/${action}`,
  push: `${V1}/sync/push`,
  pull: `${V1}/sync/pull`,
  tallies: `${V1}/tallies`,
  reviewList: `${V1}/review/assists`,
  bulkApprove: `${V1}/review/assists/bulk-approve`,
  assist: (id) => `${V1}/review/assists/${id}`,
  /** @param {"decision"|"void"} action */
  assistAction: (id, action) => `${V1}/review/assists/${id}/${action}`,
  duplicates: `${V1}/review/duplicates`,
  followUp: `${V1}/review/follow-up`,
  users: `${V1}/users`,
  usersImport: `${V1}/users/import`,
  /** @param {"csv"|"xlsx"} fmt */
  usersTemplate: (fmt) => `${V1}/users/template.${fmt}`,
  user: (id) => `${V1}/users/${id}`,
  /** @param {"sign-in-codes"|"password"} action */
  userAction: (id, action) => `${V1}/users/${id}/${action}`,
  audit: `${V1}/audit-events`,
  exportJobs: `${V1}/exports/jobs`,
  exportJob: (id) => `${V1}/exports/jobs/${id}`,
  /** @param {"assists"|"follow-up"|"tallies"} kind */
  exportCount: (kind) => `${V1}/exports/${kind}/count`,
  targets: `${V1}/targets`,
  targetsImport: `${V1}/targets/import`,
  /** @param {"csv"|"xlsx"} fmt */
  targetsTemplate: (fmt) => `${V1}/targets/template.${fmt}`,
  target: (code) => `${V1}/targets/${code}`,
  areasSearch: `${V1}/areas/search`,
  outreachMap: `${V1}/outreaches/map`,
  progress: `${V1}/progress`,
  progressImport: `${V1}/progress/import`,
  /** @param {"csv"|"xlsx"} fmt */
  progressTemplate: (fmt) => `${V1}/progress/template.${fmt}`,
};
