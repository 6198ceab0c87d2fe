import * as z from 'zod'
import { defineEntity } from './entity-definition.js'

/** The entity declaration of tags: the catalogue of names used in records' `tags` arrays. */
export const tagEntity = defineEntity({
  name: 'tag',
  idPrefix: 'tag',
  shape: {
    name: z.string().min(1).max(100),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'Expected a colour such as "#1f77b4"')
      .nullable()
      .optional(),
    description: z.string().max(1000).nullable().optional(),
  },
  indexes: [{ name: 'by_name', fields: ['name'], unique: true }],
  searchFields: ['name'],
})
