import type { FieldDefinition, ModelDefinition, StorageSchema } from '@rapport/core/storage'
import * as z from 'zod'

const system: Record<string, FieldDefinition> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

/** A contact as core stores it: names, a primary email column, JSON emails/tags/custom fields, owner, company. */
export const contactModel: ModelDefinition = {
  name: 'contact',
  table: 'contact',
  idPrefix: 'con',
  fields: {
    ...system,
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    primaryEmail: { type: 'string' },
    emails: { type: 'json' },
    title: { type: 'string' },
    ownerId: { type: 'string' },
    companyId: { type: 'string' },
    lifecycleStage: { type: 'string', required: true },
    tags: { type: 'json', array: true },
    custom: { type: 'json' },
  },
  indexes: [
    { name: 'by_owner', fields: ['ownerId'] },
    { name: 'by_company', fields: ['companyId'] },
    { name: 'by_updated', fields: ['updatedAt'] },
    { name: 'by_primary_email', fields: ['primaryEmail'] },
  ],
  relations: {},
  searchFields: ['firstName', 'lastName', 'primaryEmail', 'title'],
}

/** A deal in a pipeline stage, with the indexes core declares for deals. */
export const dealModel: ModelDefinition = {
  name: 'deal',
  table: 'deal',
  idPrefix: 'deal',
  fields: {
    ...system,
    name: { type: 'string', required: true },
    ownerId: { type: 'string' },
    pipelineId: { type: 'string', required: true },
    stageId: { type: 'string', required: true },
    amountMinor: { type: 'integer' },
    amountCurrency: { type: 'string' },
    expectedCloseDate: { type: 'date' },
  },
  indexes: [
    { name: 'by_owner_stage', fields: ['ownerId', 'stageId', 'updatedAt'] },
    { name: 'by_pipeline_stage', fields: ['pipelineId', 'stageId', 'updatedAt'] },
    { name: 'by_updated', fields: ['updatedAt'] },
  ],
  relations: {},
  searchFields: ['name'],
}

/** The bench schema. */
export const benchSchema: StorageSchema = { version: 1, models: { contact: contactModel, deal: dealModel } }

/** The contact input both sides validate (the shape of core's contact create input). */
export const contactInput = z
  .object({
    firstName: z.string().max(200).nullable().optional(),
    lastName: z.string().max(200).nullable().optional(),
    emails: z
      .array(z.object({ address: z.email(), primary: z.boolean().default(false) }).strict())
      .max(50)
      .default([]),
    title: z.string().max(200).nullable().optional(),
    ownerId: z.string().min(1).nullable().optional(),
    companyId: z.string().min(1).nullable().optional(),
    lifecycleStage: z.enum(['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer']).default('lead'),
    tags: z.array(z.string().max(50)).max(50).default([]),
    custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  })
  .strict()

/** A validated contact input. */
export type ContactInput = z.infer<typeof contactInput>
