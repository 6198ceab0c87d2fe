import * as z from 'zod'
import {
  addressSchema,
  customValuesSchema,
  emailEntrySchema,
  phoneEntrySchema,
  refIdSchema,
  tagsSchema,
} from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** The HubSpot-style lifecycle stages a contact moves through. */
export const contactLifecycleStages = [
  'subscriber',
  'lead',
  'mql',
  'sql',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const

/** The entity declaration of contacts (people). */
export const contactEntity = defineEntity({
  name: 'contact',
  idPrefix: 'con',
  shape: {
    prefix: z.string().max(50).nullable().optional(),
    firstName: z.string().max(200).nullable().optional(),
    middleName: z.string().max(200).nullable().optional(),
    lastName: z.string().max(200).nullable().optional(),
    suffix: z.string().max(50).nullable().optional(),
    emails: z.array(emailEntrySchema).max(50).default([]),
    phones: z.array(phoneEntrySchema).max(50).default([]),
    title: z.string().max(200).nullable().optional(),
    companyId: refIdSchema.nullable().optional(),
    ownerId: refIdSchema.nullable().optional(),
    lifecycleStage: z.enum(contactLifecycleStages).default('lead'),
    status: z.enum(['active', 'inactive', 'bounced', 'unsubscribed']).default('active'),
    source: z.string().max(100).nullable().optional(),
    address: addressSchema.nullable().optional(),
    tags: tagsSchema.default([]),
    custom: customValuesSchema.default({}),
  },
  references: { companyId: { model: 'company', onDelete: 'set null' } },
  indexes: [
    { name: 'by_owner', fields: ['ownerId', 'updatedAt'] },
    // One owner's contacts in list order (`id`, which SQL adapters append): an "own" access scope's page reads its
    // rows straight from here instead of sorting all of the owner's rows (by_owner) or walking everyone's (the key).
    // `archivedAt` rides along, so the default "not archived" test runs on the index entry (a SQLite count of one
    // owner's contacts reads the index alone).
    { name: 'by_owner_id', fields: ['ownerId'], include: ['archivedAt'] },
    { name: 'by_company', fields: ['companyId'] },
    { name: 'by_updated', fields: ['updatedAt'] },
    { name: 'by_primary_email', fields: ['primaryEmail'] },
    { name: 'by_lifecycle', fields: ['lifecycleStage'] },
  ],
  relations: {
    // Ids are prefixed (con_/com_), so a company's order never matches a contact's id: no customerType pin needed.
    orders: { kind: 'hasMany', model: 'order', foreignKey: 'customerId' },
    company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' },
    deals: {
      kind: 'through',
      model: 'deal',
      through: 'dealContact',
      throughFrom: 'contactId',
      throughTo: 'dealId',
    },
    activities: {
      kind: 'through',
      model: 'activity',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'contact', sourceType: 'activity' },
    },
    tasks: {
      kind: 'through',
      model: 'task',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'contact', sourceType: 'task' },
    },
  },
  searchFields: ['firstName', 'middleName', 'lastName', 'emailAddresses', 'phoneNumbers', 'title'],
  searchPhrases: [
    ['firstName', 'middleName', 'lastName'],
    ['lastName', 'firstName'],
  ],
  lowerCasedFields: ['primaryEmail', 'emailAddresses', 'emails.address'],
  derived: {
    columns: {
      primaryEmail: { type: 'string' },
      emailAddresses: { type: 'json', array: true },
      phoneNumbers: { type: 'json', array: true },
    },
    compute(record) {
      const emails = (record['emails'] as { address: string; primary?: boolean }[] | undefined) ?? []
      const phones = (record['phones'] as { number: string }[] | undefined) ?? []
      const primary = emails.find((e) => e.primary) ?? emails[0]
      return {
        // Keys are lower-cased; `lowerCasedFields` lower-cases filter values the same way.
        primaryEmail: primary ? primary.address.toLowerCase() : null,
        emailAddresses: emails.map((e) => e.address.toLowerCase()),
        phoneNumbers: phones.map((p) => p.number),
      }
    },
    filterAliases: { 'emails.address': 'emailAddresses', 'phones.number': 'phoneNumbers' },
  },
  validate(record) {
    const hasName = Boolean(record['firstName'] || record['lastName'])
    const hasEmail = ((record['emails'] as unknown[] | undefined) ?? []).length > 0
    return hasName || hasEmail
      ? []
      : [
          {
            path: ['firstName'],
            message: 'A contact needs a first name, a last name or an email',
            code: 'custom',
          },
        ]
  },
})
