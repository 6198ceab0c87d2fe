import * as z from 'zod'
import {
  calendarDateSchema,
  customValuesSchema,
  moneySchema,
  refIdSchema,
  tagsSchema,
} from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** The entity declaration of deals (opportunities). */
export const dealEntity = defineEntity({
  name: 'deal',
  idPrefix: 'deal',
  shape: {
    name: z.string().min(1).max(300),
    amount: moneySchema.nullable().optional(),
    pipelineId: refIdSchema,
    stageId: refIdSchema,
    /** Win probability in percent, 0–100. */
    probability: z.number().min(0).max(100).nullable().optional(),
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
