import assert from 'node:assert/strict';
import type { z } from 'zod';
import { ValidationError } from '../../../shared/errors';
import { ListModelsQuery } from '../../../shared/schemas/api';
import { ListFamiliesQuery } from '../../../shared/schemas/artifact-api';
import { ListSchedulesQuery } from '../../../shared/schemas/schedule-api';
import { parseOrThrow } from '../../../shared/validation';
import { CalendarQueryParams } from '../../../functions/src/http/routes/calendar-routes';

/** The ValidationError a query gets, or null when it parses. */
function refusal(schema: z.ZodType, query: Record<string, unknown>): ValidationError | null {
  try {
    parseOrThrow(schema, query, 'query');
    return null;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

describe('integer query parameters', () => {
  // route, schema, parameter, what it must be, and the values just outside its range
  const params: [string, z.ZodType, string, string, string[]][] = [
    ['GET /api/models', ListModelsQuery, 'page_size', 'an integer from 1 to 100', ['0', '101']],
    ['GET /api/families', ListFamiliesQuery, 'page_size', 'an integer from 1 to 100', ['0', '101']],
    ['GET /api/training-schedules', ListSchedulesQuery, 'page_size', 'an integer from 1 to 100', ['0', '101']],
    ['GET /api/training-schedules/calendar', CalendarQueryParams, 'weeks_past', 'an integer from 0 to 52', ['-1', '53']],
  ];
  for (const [route, schema, name, expected, outside] of params) {
    for (const bad of ['abc', '', '2.5', '1e1', '0x10', ' 5', ...outside]) {
      it(`${route}: ${name}=${JSON.stringify(bad)} is refused with a message saying "${expected}", at query.${name}`, () => {
        const error = refusal(schema, { [name]: bad });
        assert.ok(error, 'refused');
        assert.deepEqual(error.fields, [{ path: `query.${name}`, message: `must be ${expected}` }]);
        assert.equal(error.message, `query.${name} must be ${expected}`);
        assert.doesNotMatch(JSON.stringify(error.fields), /NaN/);
      });
    }
    it(`${route}: a repeated ${name} is refused as given twice`, () => {
      assert.deepEqual(refusal(schema, { [name]: ['1', '2'] })?.fields, [{ path: `query.${name}`, message: `must be given once, as ${expected}` }]);
    });
  }

  it('still reads good values as numbers, and leaves the defaults alone', () => {
    assert.equal(ListModelsQuery.parse({ page_size: '100' }).page_size, 100);
    assert.equal(ListModelsQuery.parse({}).page_size, 25);
    assert.deepEqual(CalendarQueryParams.parse({ weeks_past: '0', weeks_future: '52' }), { weeks_past: 0, weeks_future: 52, tz: 'UTC' });
  });
});
