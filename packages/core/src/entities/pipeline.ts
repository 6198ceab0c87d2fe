import * as z from 'zod'
import { customValuesSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** Forecast categories, as in Salesforce. */
export const forecastCategories = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const

/** One stage of a pipeline. Ids are minted by core (`stg_…`) when omitted. */
export const stageSchema = z
  .object({
    id: z.string().min(1).max(100).optional(),
    name: z.string().min(1).max(200),
    kind: z.enum(['open', 'won', 'lost']).default('open'),
    onHold: z.boolean().default(false),
    /** Default win probability in percent for deals in this stage. */
    probability: z.number().min(0).max(100).default(0),
    forecastCategory: z.enum(forecastCategories).default('pipeline'),
    /** Fields a record must have before entering this stage (enforced by the pipeline machine). */
    requiredFields: z.array(z.string().min(1).max(200)).max(100).default([]),
  })
  .strict()

/** One stage of a pipeline, as stored. */
export type Stage = Omit<z.output<typeof stageSchema>, 'id'> & { id: string }

/** The entity declaration of pipelines: ordered stages for deals, leads or tickets. */
export const pipelineEntity = defineEntity({
  name: 'pipeline',
  idPrefix: 'pip',
  shape: {
    name: z.string().min(1).max(200),
    entityType: z.enum(['deal', 'lead', 'ticket']).default('deal'),
    isDefault: z.boolean().default(false),
    stages: z.array(stageSchema).min(1).max(100),
    custom: customValuesSchema.default({}),
  },
  indexes: [{ name: 'by_entity_type', fields: ['entityType'] }],
  relations: { deals: { kind: 'hasMany', model: 'deal', foreignKey: 'pipelineId' } },
  searchFields: ['name'],
  validate(record) {
    const stages = (record['stages'] as { id?: string; name: string }[] | undefined) ?? []
    const seen = new Set<string>()
    const issues = []
    for (const [i, stage] of stages.entries()) {
      if (stage.id && seen.has(stage.id)) {
        issues.push({
          path: ['stages', i, 'id'],
          message: `Duplicate stage id "${stage.id}"`,
          code: 'custom',
        })
      }
      if (stage.id) seen.add(stage.id)
    }
    return issues
  },
})
