import * as z from 'zod'
import { customValuesSchema, moneySchema, refIdSchema, tagsSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/**
 * The entity declaration of leads: unqualified prospects with their own status flow (a `lead` pipeline), converted
 * into a contact (plus a company and a deal when asked) by `crm.leads.convert`.
 */
export const leadEntity = defineEntity({
  name: 'lead',
  idPrefix: 'lead',
  shape: {
    firstName: z.string().max(200).nullable().optional(),
    lastName: z.string().max(200).nullable().optional(),
    /** Stored lower-cased, so conversion finds an existing contact by email exactly. */
    email: z.email().max(320).toLowerCase().nullable().optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{4,14}$/, 'Expected an E.164 phone number such as "+4930123456"')
      .nullable()
      .optional(),
    title: z.string().max(200).nullable().optional(),
    companyName: z.string().max(300).nullable().optional(),
    /** Stored lower-cased, so conversion finds an existing company by domain exactly. */
    domain: z
      .string()
      .max(253)
      .regex(/^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}$/, 'Expected a domain such as "acme.com"')
      .toLowerCase()
      .nullable()
      .optional(),
    source: z.string().max(100).nullable().optional(),
    ownerId: refIdSchema.nullable().optional(),
    /** What the opportunity may be worth; becomes the deal amount on conversion. */
    estimatedValue: moneySchema.nullable().optional(),
    /** The lead's status flow; defaults to the tenant's default lead pipeline (created from a template). */
    pipelineId: refIdSchema.optional(),
    /** The status; defaults to the first stage of the pipeline. */
    stageId: refIdSchema.optional(),
    /** When the lead entered its current status (maintained by core). */
    stageEnteredAt: z.date().nullable().optional(),
    /** When the lead was converted or disqualified (maintained by core). */
    closedAt: z.date().nullable().optional(),
    /** The last open status before the lead was closed (maintained by core). */
    lastOpenStageId: refIdSchema.nullable().optional(),
    /** Why the lead was disqualified; required to enter a `lost` stage. */
    disqualifiedReason: z.string().max(500).nullable().optional(),
    /** Set by conversion. */
    convertedAt: z.date().nullable().optional(),
    convertedContactId: refIdSchema.nullable().optional(),
    convertedCompanyId: refIdSchema.nullable().optional(),
    convertedDealId: refIdSchema.nullable().optional(),
    tags: tagsSchema.default([]),
    custom: customValuesSchema.default({}),
  },
  references: {
    pipelineId: { model: 'pipeline', onDelete: 'restrict' },
    convertedContactId: { model: 'contact', onDelete: 'set null' },
    convertedCompanyId: { model: 'company', onDelete: 'set null' },
  },
  indexes: [
    { name: 'by_pipeline_stage_entered', fields: ['pipelineId', 'stageId', 'stageEnteredAt'] },
    { name: 'by_owner', fields: ['ownerId', 'updatedAt'] },
    { name: 'by_email', fields: ['email'] },
    { name: 'by_domain', fields: ['domain'] },
    { name: 'by_converted_contact', fields: ['convertedContactId'] },
    { name: 'by_converted_company', fields: ['convertedCompanyId'] },
    { name: 'by_converted_deal', fields: ['convertedDealId'] },
  ],
  relations: {
    pipeline: { kind: 'belongsTo', model: 'pipeline', localKey: 'pipelineId' },
    convertedContact: { kind: 'belongsTo', model: 'contact', localKey: 'convertedContactId' },
    convertedCompany: { kind: 'belongsTo', model: 'company', localKey: 'convertedCompanyId' },
    convertedDeal: { kind: 'belongsTo', model: 'deal', localKey: 'convertedDealId' },
    activities: {
      kind: 'through',
      model: 'activity',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'lead', sourceType: 'activity' },
    },
    tasks: {
      kind: 'through',
      model: 'task',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'lead', sourceType: 'task' },
    },
  },
  searchFields: ['firstName', 'lastName', 'email', 'phone', 'companyName'],
  searchPhrases: [
    ['firstName', 'lastName'],
    ['lastName', 'firstName'],
  ],
  lowerCasedFields: ['email', 'domain'],
  validate(record) {
    return record['firstName'] || record['lastName'] || record['email'] || record['companyName']
      ? []
      : [
          {
            path: ['lastName'],
            message: 'A lead needs a name, an email or a company name',
            code: 'custom',
          },
        ]
  },
})
