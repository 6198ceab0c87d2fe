import * as z from 'zod'
import { refIdSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'
import { stageKinds } from './pipeline.js'

/**
 * One row of the append-only stage history of deals, leads, tickets and contact lifecycles: which record moved from
 * which stage to which, when, who moved it, why, and how long it had spent in the stage it left. Core writes these
 * rows in the same transaction as the move; there is no API to change or delete them (deleting the record for good
 * removes its history).
 */
export const stageChangeEntity = defineEntity({
  name: 'stageChange',
  idPrefix: 'stch',
  table: 'stage_change',
  shape: {
    /** `deal`, `lead`, `ticket` or `contact`. */
    entityType: z.string().min(1).max(50),
    recordId: refIdSchema,
    /** The pipeline the record is in after the move. */
    pipelineId: refIdSchema,
    /** The pipeline it left, when the move changed pipelines. */
    fromPipelineId: refIdSchema.nullable().optional(),
    /** `null` on the first row (the record was created in `toStageId`). */
    fromStageId: refIdSchema.nullable().optional(),
    fromKind: z.enum(stageKinds).nullable().optional(),
    toStageId: refIdSchema,
    toKind: z.enum(stageKinds),
    /** When the move happened (the CRM clock). */
    at: z.date(),
    /** When the record had entered the stage it left. */
    fromEnteredAt: z.date().nullable().optional(),
    /** Milliseconds spent in the stage it left: `at - fromEnteredAt`. */
    durationMs: z.int().min(0).nullable().optional(),
    /** The acting user, when known. */
    actorId: refIdSchema.nullable().optional(),
    /** Why, as given to `moveStage`. */
    reason: z.string().max(1000).nullable().optional(),
  },
  indexes: [
    { name: 'by_record', fields: ['entityType', 'recordId', 'at'] },
    { name: 'by_pipeline_stage', fields: ['pipelineId', 'toStageId', 'at'] },
  ],
  // Ids are prefixed per entity, so each relation only ever matches rows of its own `entityType`; access policies
  // use them to show a history row exactly when its record is visible.
  relations: {
    deal: { kind: 'belongsTo', model: 'deal', localKey: 'recordId' },
    lead: { kind: 'belongsTo', model: 'lead', localKey: 'recordId' },
    ticket: { kind: 'belongsTo', model: 'ticket', localKey: 'recordId' },
    contact: { kind: 'belongsTo', model: 'contact', localKey: 'recordId' },
  },
})
