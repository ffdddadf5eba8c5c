import type { Request, Response } from '@google-cloud/functions-framework';
import { DomainError, UnauthenticatedError } from '../../../shared/errors';
import type { CallerConfig } from '../training-config';
import { googleIdTokenVerifier } from './token-verifiers';

export interface CallerCheck {
  /** Resolves when the request carries a valid OIDC token of the expected service account for this audience. */
  verify(authorization: string | undefined): Promise<void>;
  /** The whole check of a call: a POST (405 with `Allow` otherwise) from Cloud Scheduler (401 otherwise). */
  accept(req: Request, res: Response): Promise<void>;
}

/**
 * Cloud Scheduler calls the trigger and sync functions with an OIDC ID token minted for the
 * scheduler's service account and this function's URL. Anything else is refused with 401, whatever
 * the platform's own IAM check did before.
 */
export function schedulerCallerCheck(config: CallerConfig): CallerCheck {
  const verifier = googleIdTokenVerifier(config.audience, config.jwksUrl, config.issuer ? [config.issuer] : undefined);
  const expected = config.serviceAccountEmail.toLowerCase();
  return {
    async accept(req, res) {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new DomainError('METHOD_NOT_ALLOWED', `${req.method} is not allowed; Cloud Scheduler POSTs`);
      }
      await this.verify(req.headers.authorization);
    },
    async verify(authorization) {
      const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization ?? '');
      if (!match) throw new UnauthenticatedError('Send `Authorization: Bearer <OIDC token>`');
      let email: string | null;
      try {
        ({ email } = await verifier.verify(match[1]!));
      } catch {
        throw new UnauthenticatedError('The OIDC token is invalid, expired or for another audience');
      }
      if (email?.toLowerCase() !== expected) throw new UnauthenticatedError('The OIDC token is not the scheduler service account\'s');
    },
  };
}
