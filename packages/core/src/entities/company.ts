import * as z from 'zod'
import { addressSchema, customValuesSchema, moneySchema, refIdSchema, tagsSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** Company size bands by head count. */
export const companySizes = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'] as const

/** The entity declaration of companies (accounts). */
export const companyEntity = defineEntity({
  name: 'company',
  idPrefix: 'com',
  shape: {
    name: z.string().min(1).max(300),
    // Stored lower-cased so lookups by domain (duplicate checks, lead conversion) are exact matches.
    domain: z
      .string()
      .max(253)
      .regex(/^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}$/, 'Expected a domain such as "acme.com"')
      .toLowerCase()
      .nullable()
      .optional(),
    industry: z.string().max(100).nullable().optional(),
    size: z.enum(companySizes).nullable().optional(),
    annualRevenue: moneySchema.nullable().optional(),
    address: addressSchema.nullable().optional(),
    parentCompanyId: z.string().min(1).max(100).nullable().optional(),
    ownerId: refIdSchema.nullable().optional(),
    tags: tagsSchema.default([]),
    custom: customValuesSchema.default({}),
  },
  references: { parentCompanyId: { model: 'company', onDelete: 'set null' } },
  indexes: [
    { name: 'by_owner', fields: ['ownerId', 'updatedAt'] },
    { name: 'by_domain', fields: ['domain'] },
    { name: 'by_updated', fields: ['updatedAt'] },
    { name: 'by_parent', fields: ['parentCompanyId'] },
  ],
  relations: {
    // Ids are prefixed (con_/com_), so a company's order never matches a contact's id: no customerType pin needed.
    orders: { kind: 'hasMany', model: 'order', foreignKey: 'customerId' },
    contacts: { kind: 'hasMany', model: 'contact', foreignKey: 'companyId' },
    deals: { kind: 'hasMany', model: 'deal', foreignKey: 'companyId' },
    parent: { kind: 'belongsTo', model: 'company', localKey: 'parentCompanyId' },
    subsidiaries: { kind: 'hasMany', model: 'company', foreignKey: 'parentCompanyId' },
    activities: {
      kind: 'through',
      model: 'activity',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'company', sourceType: 'activity' },
    },
    tasks: {
      kind: 'through',
      model: 'task',
      through: 'recordLink',
      throughFrom: 'targetId',
      throughTo: 'sourceId',
      throughWhere: { targetType: 'company', sourceType: 'task' },
    },
  },
  searchFields: ['name', 'domain'],
  lowerCasedFields: ['domain'],
})
