import type { z } from 'zod';
import type { AliasResult } from '../../app/aliases';
import type { DeploymentResult } from '../../app/deployments';
import type { CompareResponse } from '../../app/version-lifecycle';
import type { PushPage } from '../../app/push-history';
import type { CalendarWire } from '../../../../shared/domain/calendar-wire';
import type { CalendarDay, CalendarGrid } from '../../../../shared/domain/calendar-grid';
import type { LineageResponse, ListModelsResponse, ModelVersionView, SummaryResponse, VersionsResponse, ErrorBody } from '../../../../shared/schemas/api';
import type { FamilyDetail, ListFamiliesResponse, VersionManifestResponse } from '../../../../shared/schemas/artifact-api';
import type { ListSchedulesResponse, ScheduleView } from '../../../../shared/schemas/schedule-api';
import type * as R from '../../../../shared/schemas/responses';

/*
 * Compile-time only: each response schema (the OpenAPI document's source) describes exactly the
 * type the server code returns. A field added to one and not the other fails `npm test`'s tsc step.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Out<S extends z.ZodType> = z.output<S>;

export type ResponsesMatchTypes = [
  Same<Out<typeof R.ModelVersionViewSchema>, ModelVersionView>,
  Same<Out<typeof R.ListModelsResponseSchema>, ListModelsResponse>,
  Same<Out<typeof R.SummaryResponseSchema>, SummaryResponse>,
  Same<Out<typeof R.VersionsResponseSchema>, VersionsResponse>,
  Same<Out<typeof R.LineageResponseSchema>, LineageResponse>,
  Same<Out<typeof R.CompareResponseSchema>, CompareResponse>,
  Same<Out<typeof R.DeploymentResultSchema>, DeploymentResult>,
  Same<Out<typeof R.AliasResultSchema>, AliasResult>,
  Same<Out<typeof R.ListFamiliesResponseSchema>, ListFamiliesResponse>,
  Same<Out<typeof R.FamilyDetailSchema>, FamilyDetail>,
  Same<Out<typeof R.VersionManifestResponseSchema>, VersionManifestResponse>,
  Same<Out<typeof R.ScheduleViewSchema>, ScheduleView>,
  Same<Out<typeof R.ListSchedulesResponseSchema>, ListSchedulesResponse>,
  Same<Out<typeof R.CalendarResponseSchema>, CalendarWire>,
  Same<Out<typeof R.CalendarGridSchema>, CalendarGrid>,
  Same<Out<typeof R.CalendarDaySchema>, CalendarDay>,
  Same<Out<typeof R.ErrorBodySchema>, ErrorBody>,
  Same<Out<typeof R.PushPageSchema>, PushPage>,
];

const allTrue: ResponsesMatchTypes = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void allTrue;
