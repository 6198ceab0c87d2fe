import * as z from 'zod'
import type { FieldDefinition, StorageFieldType } from '../storage/model-definition.js'

/** How one domain field maps onto storage columns. */
export type FieldMapping =
  | {
      readonly kind: 'scalar'
      readonly field: string
      readonly column: FieldDefinition
      /** Element type of an array of scalars stored as JSON. */
      readonly arrayOf?: StorageFieldType
    }
  | {
      readonly kind: 'money'
      readonly field: string
      readonly minorColumn: string
      readonly currencyColumn: string
    }
  | {
      readonly kind: 'json'
      readonly field: string
      /** Scalar sub-fields of a JSON object, by key, for filter paths like `address.city`. */
      readonly objectKeys: Readonly<Record<string, StorageFieldType>>
    }

type AnySchema = z.core.$ZodType

function metaOf(schema: AnySchema): Record<string, unknown> | undefined {
  return z.globalRegistry.get(schema as z.ZodType) as Record<string, unknown> | undefined
}

/** Peels optional/nullable/default wrappers, collecting metadata found on the way. */
function unwrap(schema: AnySchema): { inner: AnySchema; meta: Record<string, unknown> } {
  let current = schema
  const meta: Record<string, unknown> = {}
  for (;;) {
    Object.assign(meta, metaOf(current) ?? {})
    const def = current._zod.def as { innerType?: AnySchema }
    if (!def.innerType) return { inner: current, meta }
    current = def.innerType
  }
}

/** The storage type of a scalar zod schema, or undefined when it is not a scalar. */
export function scalarStorageType(schema: AnySchema): StorageFieldType | undefined {
  const { inner, meta } = unwrap(schema)
  const def = inner._zod.def as { type: string; format?: string }
  if (typeof meta['storage'] === 'string') return meta['storage'] as StorageFieldType
  switch (def.type) {
    case 'string':
      return def.format === 'date' ? 'date' : def.format === 'datetime' ? 'datetime' : 'string'
    case 'enum':
    case 'literal':
      return 'string'
    case 'number':
      return def.format === 'safeint' || def.format === 'int32' ? 'integer' : 'number'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'datetime'
    default:
      return undefined
  }
}

function isRequired(schema: AnySchema): boolean {
  const def = schema._zod.def as { type: string }
  return def.type !== 'optional' && def.type !== 'nullable' && def.type !== 'default'
}

/**
 * Derives the column layout of a zod shape: scalars become typed columns, money becomes two columns
 * (`<field>Minor`, `<field>Currency`) so amounts are indexable, everything else becomes a JSON column.
 */
export function mapShape(
  shape: z.ZodRawShape,
  references: Readonly<Record<string, NonNullable<FieldDefinition['references']>>> = {},
): FieldMapping[] {
  return Object.entries(shape).map(([field, schema]): FieldMapping => {
    const { inner, meta } = unwrap(schema)
    if (meta['rapportType'] === 'money') {
      return { kind: 'money', field, minorColumn: `${field}Minor`, currencyColumn: `${field}Currency` }
    }
    const scalar = scalarStorageType(schema)
    const required = isRequired(schema) && (schema._zod.def as { type: string }).type !== 'default'
    if (scalar) {
      const ref = references[field]
      return {
        kind: 'scalar',
        field,
        column: {
          type: scalar,
          ...(required ? { required: true } : {}),
          ...(ref ? { references: ref } : {}),
        },
      }
    }
    const def = inner._zod.def as { type: string; element?: AnySchema; shape?: Record<string, AnySchema> }
    if (def.type === 'array' && def.element) {
      const element = scalarStorageType(def.element)
      if (element) {
        return {
          kind: 'scalar',
          field,
          column: { type: 'json', array: true, ...(required ? { required: true } : {}) },
          arrayOf: element,
        }
      }
    }
    const objectKeys: Record<string, StorageFieldType> = {}
    if (def.type === 'object' && def.shape) {
      for (const [key, sub] of Object.entries(def.shape)) {
        const t = scalarStorageType(sub)
        if (t) objectKeys[key] = t
      }
    }
    return { kind: 'json', field, objectKeys }
  })
}
