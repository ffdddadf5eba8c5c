/** Firestore collection names, in one place so rules, indexes and code agree. */
export const COLLECTIONS = {
  families: 'families',
  versions: 'versions',
  trainingRuns: 'trainingRuns',
  schedules: 'schedules',
  roles: 'roles',
  /** One record per pushed directory: idempotency key and recorded outcome of registration. */
  pushes: 'pushes',
  /** One per (schedule, fire time): makes Cloud Scheduler's retries and duplicates start one run. */
  scheduleFirings: 'scheduleFirings',
  /** Monotonic counters (training run numbers). */
  counters: 'counters',
  /** Registry events written with the change they announce, until published. */
  outbox: 'outbox',
  /** One per UTC week: how many runs ended when, by schedule and outcome (the calendar's history). */
  calendarWeeks: 'calendarWeeks',
  /** `calendarSchedules/active`: every active schedule's calendar fields, in one document. */
  calendarSchedules: 'calendarSchedules',
  /** What a deleted version was and which blobs it referenced. */
  deletedVersions: 'deletedVersions',
  /** Each KMS key version that signed a version, with its public PEM (GET /api/signing-key). */
  signingKeys: 'signingKeys',
  /** The audit trail: one record per consequential change, hash-chained (`auditLog/{seq}`). */
  auditLog: 'auditLog',
  /** `auditChain/head`: the last record's seq and hash, read and written in every audited transaction. */
  auditChain: 'auditChain',
  /** KMS-signed chain heads (`auditCheckpoints/{seq}`), written by the minute job. */
  auditCheckpoints: 'auditCheckpoints',
  /** `promotionPolicies/{familyId}`: the rules a move of a protected alias must meet. */
  promotionPolicies: 'promotionPolicies',
  /** Canary rollouts, one per challenger version: plan, step, and every traffic change. */
  rollouts: 'rollouts',
} as const;
