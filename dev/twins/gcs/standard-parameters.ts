import { GcsError } from './errors';
import { parseFieldSelection } from './partial-response';

const PROJECTIONS = new Set(['full', 'noAcl']);
const ALTS = new Set(['json', 'media']);

/**
 * Parameters every JSON API method takes, checked before the method runs (as Google does, so a bad
 * `fields=` refuses a write instead of answering it half): `fields`, `alt`, `projection`. `userProject`
 * (requester pays), `prettyPrint` and `quotaUser` are accepted and have no effect here.
 */
export function checkStandardParameters(query: URLSearchParams): void {
  const fields = query.get('fields');
  if (fields) parseFieldSelection(fields);
  const alt = query.get('alt');
  if (alt !== null && !ALTS.has(alt)) throw badParameter('alt', alt);
  const projection = query.get('projection');
  if (projection !== null && !PROJECTIONS.has(projection)) throw badParameter('projection', projection);
}

function badParameter(name: string, value: string): GcsError {
  return new GcsError(400, `Invalid value for ${name}: ${value}`, 'invalidParameter', { locationType: 'parameter', location: name });
}
