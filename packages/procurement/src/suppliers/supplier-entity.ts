import type { EntityRecord } from '@rapport/core/entities'
import { defineEntity, tagsSchema } from '@rapport/core/entities'
import * as z from 'zod'

/**
 * A supplier (`crm.entity('supplier')`): a name, an optional code, the categories it supplies (free labels, e.g.
 * `steel`, `电子元件`), a rating from 0 to 5 and an active flag. Optionally linked to the company record it is.
 */
export const supplierEntity = defineEntity({
  name: 'supplier',
  idPrefix: 'sup',
  shape: {
    name: z.string().min(1).max(300),
    code: z.string().min(1).max(100).nullable().optional(),
    categories: tagsSchema.default([]),
    rating: z.number().min(0).max(5).default(0),
    active: z.boolean().default(true),
    companyId: z.string().min(1).max(100).nullable().optional(),
  },
  references: { companyId: { model: 'company', onDelete: 'set null' } },
  indexes: [{ name: 'by_code', fields: ['code'], unique: true }],
  searchFields: ['name', 'code'],
})

/** A supplier as stored. */
export type Supplier = EntityRecord<typeof supplierEntity>
