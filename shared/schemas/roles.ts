import { z } from 'zod';
import { IsoDateTime } from './common';

export const ROLE_NAMES = ['viewer', 'editor', 'deployer'] as const;

/** An email as roles are keyed (lower-cased). */
export const RoleEmail = z.string().min(3).max(320).regex(/^[^\s@/]+@[^\s@/]+$/, 'is not an email address').transform((e) => e.toLowerCase());

export const RoleGrantBody = z.strictObject({
  role: z.enum(ROLE_NAMES),
  reason: z.string().trim().max(500).optional(),
});

export const RoleGrant = z.object({
  email: z.string(),
  role: z.enum(ROLE_NAMES),
  grantedBy: z.string().nullable(),
  grantedAt: IsoDateTime.nullable(),
});
export type RoleGrant = z.output<typeof RoleGrant>;

export const RoleChangeResult = z.object({
  changed: z.boolean(),
  email: z.string(),
  role: z.enum(ROLE_NAMES).nullable(),
  previous: z.enum(ROLE_NAMES).nullable(),
});
export type RoleChangeResult = z.output<typeof RoleChangeResult>;

export const RoleListResponse = z.object({ grants: z.array(RoleGrant) });
