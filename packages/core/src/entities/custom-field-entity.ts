import * as z from 'zod'
import { defineEntity } from './entity-definition.js'

/** The custom field types. */
export const customFieldTypes = [
  'text',
  'number',
  'boolean',
  'date',
  'datetime',
  'select',
  'multiselect',
  'money',
  'url',
  'email',
  'phone',
] as const

/** Stored definitions of custom fields registered at runtime (per tenant). */
export const customFieldEntity = defineEntity({
  name: 'customField',
  idPrefix: 'cf',
  table: 'custom_field',
  shape: {
    entity: z.string().min(1).max(100),
    key: z.string().min(1).max(100),
    type: z.enum(customFieldTypes),
    label: z.string().max(200).nullable().optional(),
    required: z.boolean().default(false),
    options: z.array(z.string().min(1).max(200)).max(1000).default([]),
  },
  indexes: [{ name: 'by_entity_key', fields: ['entity', 'key'], unique: true }],
})
