/** An error answered with Cloud Storage's JSON error body, which the client turns into an ApiError. */
export class GcsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly details: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): object {
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: [{ message: this.message, domain: 'global', reason: this.reason, ...this.details }],
      },
    };
  }
}

export const noSuchObject = (bucket: string, name: string): GcsError =>
  new GcsError(404, `No such object: ${bucket}/${name}`, 'notFound');

export const noSuchBucket = (): GcsError => new GcsError(404, 'The specified bucket does not exist.', 'notFound');

export const conditionNotMet = (): GcsError =>
  new GcsError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet', {
    locationType: 'header',
    location: 'If-Match',
  });

/** GCS answers 304 (no body) when a read's ifGenerationNotMatch / ifMetagenerationNotMatch fails. */
export const notModified = (): GcsError => new GcsError(304, 'Not Modified', 'notModified');

export const invalid = (message: string): GcsError => new GcsError(400, message, 'invalid');

export const serviceUnavailable = (): GcsError =>
  new GcsError(503, 'We encountered an internal error. Please try again.', 'backendError');

export const rangeNotSatisfiable = (size: number): GcsError =>
  new GcsError(416, 'The requested range cannot be satisfied.', 'requestedRangeNotSatisfiable', {}, {
    'content-range': `bytes */${size}`,
  });
