import * as z from 'zod'
import { customValuesSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** Forecast categories, as in Salesforce. */
export const forecastCategories = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const

/** The kinds of stage: still open, closed as won, closed as lost. */
export const stageKinds = ['open', 'won', 'lost'] as const

/**
 * How records may move between the stages of a pipeline.
 *
 * - `free`: any stage to any stage.
 * - `forwardOnly`: only to a later stage; closing (won/lost) is always forward.
 * - `noSkip`: one open stage forward at a time, or back to any earlier stage; lost from anywhere, won only from
 *   the last open stage.
 * - `explicit`: only along the pipeline's `transitions` edges.
 *
 * Stages with `onHold` sit beside the ladder under `forwardOnly` and `noSkip`: any open stage may go on hold, and
 * a record on hold may resume in any open stage.
 */
export const transitionPolicies = ['free', 'forwardOnly', 'noSkip', 'explicit'] as const

/** The core record types that move through pipelines (plugin entities declared `staged` join them). */
export const pipelineEntityTypes = ['deal', 'lead', 'ticket', 'contact'] as const

/** One stage of a pipeline. Ids are minted by core (`stg_…`) when omitted. */
export const stageSchema = z
  .object({
    id: z.string().min(1).max(100).optional(),
    /** A stable machine name, unique within the pipeline (e.g. `converted`), for code that must find a stage. */
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'Expected a lower_snake_case key')
      .max(100)
      .optional(),
    name: z.string().min(1).max(200),
    kind: z.enum(stageKinds).default('open'),
    onHold: z.boolean().default(false),
    /** Default win probability in percent for deals in this stage. */
    probability: z.number().min(0).max(100).default(0),
    forecastCategory: z.enum(forecastCategories).default('pipeline'),
    /** Fields a record must have before entering this stage (enforced by the pipeline machine). */
    requiredFields: z.array(z.string().min(1).max(200)).max(100).default([]),
  })
  .strict()

/** One stage of a pipeline, as stored. */
export type Stage = Omit<z.output<typeof stageSchema>, 'id' | 'key'> & { id: string; key?: string }

/**
 * An allowed move of an `explicit` pipeline. `from` and `to` name a stage by id, key or name; core stores ids.
 */
export const transitionEdgeSchema = z
  .object({ from: z.string().min(1).max(200), to: z.string().min(1).max(200) })
  .strict()

/** An allowed move of an `explicit` pipeline, by stage id. */
export type TransitionEdge = z.output<typeof transitionEdgeSchema>

/** The entity declaration of pipelines: ordered stages for deals, leads, tickets or the contact lifecycle. */
export const pipelineEntity = defineEntity({
  name: 'pipeline',
  idPrefix: 'pip',
  shape: {
    name: z.string().min(1).max(200),
    /**
     * The record type the pipeline is for: one of {@link pipelineEntityTypes} or a plugin entity declared `staged`
     * (each CRM validates against its own list).
     */
    entityType: z.string().min(1).max(50).default('deal'),
    isDefault: z.boolean().default(false),
    stages: z.array(stageSchema).min(1).max(100),
    /** Which moves between stages are allowed (default `free`). */
    policy: z.enum(transitionPolicies).default('free'),
    /** The allowed moves of an `explicit` pipeline. */
    transitions: z.array(transitionEdgeSchema).max(10_000).default([]),
    /** Whether a won or lost record may leave its closed stage again (default `true`). */
    allowReopen: z.boolean().default(true),
    custom: customValuesSchema.default({}),
  },
  indexes: [{ name: 'by_entity_type', fields: ['entityType'] }],
  relations: { deals: { kind: 'hasMany', model: 'deal', foreignKey: 'pipelineId' } },
  searchFields: ['name'],
  validate(record) {
    const stages = (record['stages'] as { id?: string; key?: string; name: string }[] | undefined) ?? []
    const issues = []
    for (const field of ['id', 'key'] as const) {
      const seen = new Set<string>()
      for (const [i, stage] of stages.entries()) {
        const value = stage[field]
        if (value && seen.has(value)) {
          issues.push({
            path: ['stages', i, field],
            message: `Duplicate stage ${field} "${value}"`,
            code: 'custom',
          })
        }
        if (value) seen.add(value)
      }
    }
    return issues
  },
})
