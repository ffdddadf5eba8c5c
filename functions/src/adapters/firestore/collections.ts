/** Firestore collection names, in one place so rules, indexes and code agree. */
export const COLLECTIONS = {
  families: 'families',
  versions: 'versions',
  trainingRuns: 'trainingRuns',
  schedules: 'schedules',
  roles: 'roles',
} as const;
