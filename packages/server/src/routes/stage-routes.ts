import { stageChangeEntity } from '@rapport/core/entities'
import type { EntityDescription } from '@rapport/core/plugin'
import type { ChangePipelineOptions, MoveStageOptions } from '@rapport/core/services'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { expectedVersionOf } from '../http/if-match.js'
import { kebab } from '../http/naming.js'
import { toWireSchema } from '../wire-schema.js'
import type { EntitySchemas } from './entity-routes.js'
import { recordResponse } from './entity-routes.js'

interface StagedService {
  moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<Record<string, unknown>>
  changePipeline?(
    id: string,
    pipelineId: string,
    options: ChangePipelineOptions,
  ): Promise<Record<string, unknown>>
}

const stageChangeSchema = z
  .object({ id: z.string(), createdAt: z.date(), ...stageChangeEntity.shape })
  .meta({ id: 'StageChange' })

/** Whether an entity's service moves records through pipeline stages (deals, leads, tickets, staged plugin types). */
export function isStaged(service: unknown): service is StagedService {
  return typeof (service as StagedService | null)?.moveStage === 'function'
}

/** Whether a staged service also moves records to another pipeline (deals). */
export function canChangePipeline(service: StagedService): boolean {
  return typeof service.changePipeline === 'function'
}

/**
 * `POST /{collection}/{id}/stage` and `GET /{collection}/{id}/stage-history` for a staged entity, and
 * `POST /{collection}/{id}/pipeline` when its service can change pipelines (deals). A refused move answers 409
 * `INVALID_TRANSITION` whose details name the guard, the stages and the missing fields.
 */
export function addStageRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  entity: EntityDescription,
  schemas: EntitySchemas,
  options: { readonly requireIfMatch: boolean; readonly changePipeline?: boolean },
): void {
  const base = `/${kebab(entity.collection)}`
  const tags = [entity.collection]
  const fieldsSchema = toWireSchema(entity.updateSchema)
  const body = z
    .object({
      stageId: z.string().min(1).max(100).describe('The target stage id'),
      reason: z.string().min(1).max(1000).optional().describe('Why; kept in the stage history'),
      fields: entity.updateSchema
        .optional()
        .describe('Fields to write in the same step, e.g. what the target stage requires'),
    })
    .strict()
  addRoute<{ stageId: string; reason?: string; fields?: Record<string, unknown> }>(app, table, basePath, {
    method: 'post',
    path: `${base}/{id}/stage`,
    operationId: `${entity.collection}.moveStage`,
    summary: `Move a ${entity.name} to another stage`,
    description:
      'Runs the pipeline machine: policy, required fields and custom guards. A refusal is 409 INVALID_TRANSITION ' +
      'with details.guard, details.from, details.to and details.missingFields.',
    tags,
    headers: ['If-Match'],
    body: { schema: body, required: true },
    response: { status: 200, description: 'The moved record', schema: schemas.record },
    handler: async ({ c, params, body: input }) => {
      const expectedVersion = expectedVersionOf(c, options.requireIfMatch)
      const service = c.get('rapport').entity(entity.name) as unknown as StagedService
      const fields = input.fields === undefined ? undefined : fieldsSchema.parse(input.fields)
      const record = await service.moveStage(params['id']!, input.stageId, {
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(fields === undefined ? {} : { fields }),
      })
      return recordResponse(c, record)
    },
  })
  if (options.changePipeline) {
    addChangePipelineRoute(app, table, basePath, entity, schemas, options)
  }
  addRoute(app, table, basePath, {
    method: 'get',
    path: `${base}/{id}/stage-history`,
    operationId: `${entity.collection}.stageHistory`,
    summary: `The stage history of a ${entity.name}`,
    tags,
    response: {
      status: 200,
      description: 'Every stage change, oldest first',
      schema: z.object({ data: z.array(stageChangeSchema) }),
    },
    handler: async ({ c, params }) => {
      const services = c.get('rapport')
      await services.entity(entity.name).get(params['id']!)
      const data = await services.stageHistory.forRecord(entity.name, params['id']!)
      return c.json({ data }, 200)
    },
  })
}

/**
 * `POST /{collection}/{id}/pipeline`: moves a record to another pipeline of its type. `stageMapping` maps its current
 * stage to a stage of the target pipeline. An unknown pipeline or one of another type is 422 `VALIDATION_FAILED`; an
 * unmapped current stage or a mapping to a stage outside the target is 409 `INVALID_TRANSITION`; nothing is written.
 */
function addChangePipelineRoute(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  entity: EntityDescription,
  schemas: EntitySchemas,
  options: { readonly requireIfMatch: boolean },
): void {
  const body = z
    .object({
      pipelineId: z.string().min(1).max(100).describe('The target pipeline id'),
      stageMapping: z
        .record(z.string().min(1).max(100), z.string().min(1).max(100))
        .describe(
          'Stage of the current pipeline → stage of the target pipeline; the current stage must be mapped',
        ),
      reason: z.string().min(1).max(1000).optional().describe('Why; kept in the stage history'),
    })
    .strict()
    .meta({ id: 'ChangePipelineRequest' })
  addRoute<{ pipelineId: string; stageMapping: Record<string, string>; reason?: string }>(
    app,
    table,
    basePath,
    {
      method: 'post',
      path: `/${kebab(entity.collection)}/{id}/pipeline`,
      operationId: `${entity.collection}.changePipeline`,
      summary: `Move a ${entity.name} to another pipeline`,
      description:
        'Maps the current stage to a stage of the target pipeline and appends a stage-history row. An unknown or ' +
        'foreign pipeline is 422 VALIDATION_FAILED; an unmapped current stage or a target stage outside the ' +
        'pipeline is 409 INVALID_TRANSITION (details.guard stageMapping / stageInPipeline). Nothing is written.',
      tags: [entity.collection],
      headers: ['If-Match'],
      body: { schema: body, required: true },
      response: { status: 200, description: 'The record in its new pipeline', schema: schemas.record },
      handler: async ({ c, params, body: input }) => {
        const expectedVersion = expectedVersionOf(c, options.requireIfMatch)
        const service = c.get('rapport').entity(entity.name) as unknown as Required<StagedService>
        const record = await service.changePipeline(params['id']!, input.pipelineId, {
          stageMapping: input.stageMapping,
          ...(expectedVersion === undefined ? {} : { expectedVersion }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
        })
        return recordResponse(c, record)
      },
    },
  )
}
