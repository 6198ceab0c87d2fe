import * as z from 'zod'
import { customFieldTypes } from '../entities/custom-field-entity.js'

/** The type of a custom field. */
export type CustomFieldType = (typeof customFieldTypes)[number]

/**
 * A custom field of an entity. Values live in the record's `custom` object, are validated on every write, and can be
 * filtered and sorted through `custom.<key>` paths.
 *
 * @example
 * ```ts
 * await crm.customFields.define('contact', { key: 'tier', type: 'select', options: ['gold', 'silver'] })
 * await crm.contacts.list({ where: { field: 'custom.tier', op: 'eq', value: 'gold' } })
 * ```
 */
export interface CustomFieldDefinition {
  /** The key inside `custom`: a letter, then letters, digits or underscores (at most 63 characters). */
  readonly key: string
  /** The value type. */
  readonly type: CustomFieldType
  /** A display label for the host's UI. */
  readonly label?: string | null
  /** Records must carry a value. */
  readonly required?: boolean
  /** Allowed values of `select` and `multiselect` fields. */
  readonly options?: readonly string[]
}

/** A custom field declared in `createCrm` configuration, shared by all tenants; it may be indexed. */
export interface StaticCustomFieldDefinition extends CustomFieldDefinition {
  /** Ask the SQL adapters to create an expression index on this field. */
  readonly indexed?: boolean
}

/** The schema that validates custom field definitions. */
export const customFieldDefinitionSchema = z
  .object({
    key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'Expected a key such as "renewalDate" or "tier_2"'),
    type: z.enum(customFieldTypes),
    label: z.string().max(200).nullable().optional(),
    required: z.boolean().optional(),
    options: z.array(z.string().min(1).max(200)).max(1000).optional(),
    indexed: z.boolean().optional(),
  })
  .strict()
  .superRefine((def, ctx) => {
    const needsOptions = def.type === 'select' || def.type === 'multiselect'
    if (needsOptions && (!def.options || def.options.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `A ${def.type} field needs options` })
    }
    if (!needsOptions && def.options && def.options.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `Only select fields take options` })
    }
    if (def.options && new Set(def.options).size !== def.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Options must be unique' })
    }
  })
