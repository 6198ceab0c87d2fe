import * as z from 'zod'
import {
  calendarDateSchema,
  customValuesSchema,
  moneySchema,
  refIdSchema,
  tagsSchema,
} from './common-schemas.js'
import { defineEntity } from './entity-definition.js'
import { forecastCategories } from './pipeline.js'

/** The entity declaration of deals (opportunities). */
export const dealEntity = defineEntity({
  name: 'deal',
  idPrefix: 'deal',
  shape: {
    name: z.string().min(1).max(300),
    amount: moneySchema.nullable().optional(),
    pipelineId: refIdSchema,
    stageId: refIdSchema,
    /**
     * The effective win probability in percent, 0–100, maintained by core: the stage's on won/lost stages, otherwise
     * the manual override, else the model estimate, else the stage default. Writing it sets the manual override
     * (`null` clears it).
     */
    probability: z.number().min(0).max(100).nullable().optional(),
    /** The stage's default probability (maintained by core). */
    stageProbability: z.number().min(0).max(100).nullable().optional(),
    /** A manual probability that wins over the stage default and the estimate while the deal is open. */
    probabilityOverride: z.number().min(0).max(100).nullable().optional(),
    /** A model's estimate (e.g. predictive lead scoring); used when there is no manual override. */
    probabilityEstimate: z.number().min(0).max(100).nullable().optional(),
    /** The forecast category; follows the stage on every stage change and may be overridden in between. */
    forecastCategory: z.enum(forecastCategories).nullable().optional(),
    /** When the deal entered its current stage (maintained by core); "stuck since". */
    stageEnteredAt: z.date().nullable().optional(),
    /** The last open stage before the deal was closed (maintained by core), for lost-deal funnels. */
    lastOpenStageId: refIdSchema.nullable().optional(),
    /** The lead this deal was converted from (cleared when the lead is deleted). */
    leadId: refIdSchema.nullable().optional(),
    expectedCloseDate: calendarDateSchema.nullable().optional(),
    companyId: refIdSchema.nullable().optional(),
    ownerId: refIdSchema.nullable().optional(),
    lostReason: z.string().max(500).nullable().optional(),
    closedAt: z.date().nullable().optional(),
    tags: tagsSchema.default([]),
    custom: customValuesSchema.default({}),
  },
  references: {
    companyId: { model: 'company', onDelete: 'set null' },
    pipelineId: { model: 'pipeline', onDelete: 'restrict' },
  },
  indexes: [
    { name: 'by_pipeline_stage_entered', fields: ['pipelineId', 'stageId', 'stageEnteredAt'] },
    { name: 'by_lead', fields: ['leadId'] },
    { name: 'by_owner_stage', fields: ['ownerId', 'stageId', 'updatedAt'] },
    { name: 'by_pipeline_stage', fields: ['pipelineId', 'stageId', 'updatedAt'] },
    { name: 'by_company', fields: ['companyId'] },
    { name: 'by_updated', fields: ['updatedAt'] },
    { name: 'by_expected_close', fields: ['expectedCloseDate'] },
  ],
  relations: {
    company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' },
    pipeline: { kind: 'belongsTo', model: 'pipeline', localKey: 'pipelineId' },
    contacts: {
      kind: 'through',
      model: 'contact',
      through: 'dealContact',
      throughFrom: 'dealId',
      throughTo: 'contactId',
    },
    activities: {
      kind: 'through',
      model: 'activity',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'deal', sourceType: 'activity' },
    },
    tasks: {
      kind: 'through',
      model: 'task',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'deal', sourceType: 'task' },
    },
  },
  searchFields: ['name'],
})

/** The link between a deal and a contact, with the contact's role on the deal. */
export const dealContactEntity = defineEntity({
  name: 'dealContact',
  idPrefix: 'dcon',
  table: 'deal_contact',
  shape: {
    dealId: refIdSchema,
    contactId: refIdSchema,
    role: z.string().max(100).nullable().optional(),
    isPrimary: z.boolean().default(false),
  },
  references: {
    dealId: { model: 'deal', onDelete: 'cascade' },
    contactId: { model: 'contact', onDelete: 'cascade' },
  },
  indexes: [
    { name: 'by_deal_contact', fields: ['dealId', 'contactId'], unique: true },
    { name: 'by_contact', fields: ['contactId'] },
  ],
  relations: {
    deal: { kind: 'belongsTo', model: 'deal', localKey: 'dealId' },
    contact: { kind: 'belongsTo', model: 'contact', localKey: 'contactId' },
  },
})
