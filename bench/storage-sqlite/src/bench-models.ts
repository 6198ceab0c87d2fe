import { searchDocumentFields } from '@rapport/core/search'
import type { FieldDefinition, ModelDefinition, StorageRow, StorageSchema } from '@rapport/core/storage'
import * as z from 'zod'
import { rng } from './measure.ts'

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
    // the columns core's one search semantics reads (filled by core on CRM writes; null on raw bench rows)
    ...searchDocumentFields,
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
    ...searchDocumentFields,
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

/** The tenant every bench row lives in. */
export const TENANT = 'default'
/** Distinct owners and stages of the 1M-deal workload. */
export const OWNERS = 50
export const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost']

/** Seeded, realistic contact inputs: the same workload for every bench. */
export function contactInputs(count: number): unknown[] {
  const r = rng(1)
  const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Katherine', 'Linus']
  const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Johnson', 'Torvalds']
  return Array.from({ length: count }, (_, i) => {
    const f = first[Math.floor(r() * first.length)]!
    const l = last[Math.floor(r() * last.length)]!
    return {
      firstName: f,
      lastName: l,
      emails: [{ address: `${f}.${l}.${i}@example.com`.toLowerCase(), primary: true }],
      title: r() < 0.5 ? 'Engineer' : null,
      ownerId: `usr_${Math.floor(r() * 20)}`,
      lifecycleStage: r() < 0.5 ? 'lead' : 'customer',
      tags: r() < 0.3 ? ['vip'] : [],
      custom: { tier: r() < 0.2 ? 'gold' : 'free' },
    }
  })
}

/** What core adds to a validated input: id, tenant, system columns and the derived primary email. */
export function toRow(input: ContactInput, i: number, at: Date): StorageRow {
  return {
    id: `con_${String(i).padStart(8, '0')}`,
    tenantId: TENANT,
    createdAt: at,
    updatedAt: at,
    version: 1,
    archivedAt: null,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    primaryEmail: input.emails.find((e) => e.primary)?.address ?? input.emails[0]?.address ?? null,
    emails: input.emails,
    title: input.title ?? null,
    ownerId: input.ownerId ?? null,
    companyId: input.companyId ?? null,
    lifecycleStage: input.lifecycleStage,
    tags: input.tags,
    custom: input.custom,
  }
}
