import { RapportError } from '@rapport/core'
import type { CustomFieldDefinition } from '@rapport/core/custom-fields'
import type * as z from 'zod'

/** How a cell's text becomes a field value. */
export type TargetKind =
  | 'text'
  | 'number'
  | 'boolean'
  | 'date'
  | 'choice'
  | 'choices'
  | 'email'
  | 'phone'
  | 'id'

/** A field an import column can map to: a path (`firstName`, `address.city`, `custom.tier`, `email`) and its kind. */
export interface ImportTarget {
  readonly path: string
  readonly kind: TargetKind
  /** Allowed values of a `choice` or `choices` field. */
  readonly options?: readonly string[]
}

/** What the targets of an entity are read from: `crm.describe()` and the custom field definitions. */
export interface TargetSource {
  describe(): { readonly entities: readonly { readonly name: string; readonly updateSchema: z.ZodObject }[] }
  readonly customFields: { list(entity: string): Promise<readonly CustomFieldDefinition[]> }
}

interface Def {
  readonly type: string
  readonly innerType?: z.ZodType
  readonly in?: z.ZodType
  readonly element?: z.ZodType
  readonly entries?: Record<string, string>
  readonly shape?: Record<string, z.ZodType>
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let i = 0; i < 10; i++) {
    const def = defOf(current)
    if (
      def.innerType &&
      ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'].includes(def.type)
    ) {
      current = def.innerType
    } else if (def.type === 'pipe' && def.in) current = def.in
    else break
  }
  return current
}

function kindOf(schema: z.ZodType): Pick<ImportTarget, 'kind' | 'options'> | null {
  const def = defOf(unwrap(schema))
  switch (def.type) {
    case 'string':
      return { kind: 'text' }
    case 'number':
    case 'int':
      return { kind: 'number' }
    case 'boolean':
      return { kind: 'boolean' }
    case 'date':
      return { kind: 'date' }
    case 'enum':
      return { kind: 'choice', options: Object.values(def.entries ?? {}) }
    default:
      return null
  }
}

const customKinds: Readonly<Record<CustomFieldDefinition['type'], TargetKind>> = {
  text: 'text',
  number: 'number',
  boolean: 'boolean',
  date: 'text',
  datetime: 'date',
  select: 'choice',
  multiselect: 'choices',
  money: 'number',
  url: 'text',
  email: 'text',
  phone: 'text',
}

/**
 * The fields a column of an `entity` import can map to: scalar fields, one level into objects (`address.city`),
 * `email` and `phone` for the primary entries of e-mail and phone lists, `tags` (split on `;` or `,`), every custom
 * field as `custom.<key>`, and `id`. `NOT_FOUND` for an unknown entity.
 *
 * @example
 * ```ts
 * const targets = await importTargets(crm, 'contact')
 * targets.map((t) => t.path) // ['id', 'prefix', 'firstName', …, 'email', 'phone', 'address.city', …, 'tags']
 * ```
 */
export async function importTargets(crm: TargetSource, entity: string): Promise<ImportTarget[]> {
  const described = crm.describe().entities.find((e) => e.name === entity)
  if (!described) throw new RapportError('NOT_FOUND', `Unknown entity "${entity}"`, { details: { entity } })
  const out: ImportTarget[] = [{ path: 'id', kind: 'id' }]
  for (const [name, field] of Object.entries(described.updateSchema.shape as Record<string, z.ZodType>)) {
    if (name === 'custom') continue
    const inner = defOf(unwrap(field))
    if (inner.type === 'array' && inner.element) {
      const element = defOf(unwrap(inner.element))
      const keys = element.type === 'object' ? Object.keys(element.shape ?? {}) : []
      if (keys.includes('address'))
        out.push({ path: name === 'emails' ? 'email' : `${name}.address`, kind: 'email' })
      else if (keys.includes('number'))
        out.push({ path: name === 'phones' ? 'phone' : `${name}.number`, kind: 'phone' })
      else if (element.type === 'string') out.push({ path: name, kind: 'choices' })
      continue
    }
    if (inner.type === 'object') {
      for (const [key, sub] of Object.entries(inner.shape ?? {})) {
        const kind = kindOf(sub)
        if (kind) out.push({ path: `${name}.${key}`, ...kind })
      }
      continue
    }
    const kind = kindOf(field)
    if (kind) out.push({ path: name, ...kind })
  }
  for (const definition of await crm.customFields.list(entity)) {
    out.push({
      path: `custom.${definition.key}`,
      kind: customKinds[definition.type],
      ...(definition.options ? { options: definition.options } : {}),
    })
  }
  return out
}
