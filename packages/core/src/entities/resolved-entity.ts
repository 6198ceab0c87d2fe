import * as z from 'zod'
import { searchDocument, searchDocumentFields } from '../search/search-document.js'
import type {
  FieldDefinition,
  IndexDefinition,
  ModelDefinition,
  RelationDefinition,
} from '../storage/model-definition.js'
import type { FieldRef, StorageRow, StorageValue } from '../storage/storage-filter.js'
import type { EntityDefinition } from './entity-definition.js'
import type { RecordDecoder } from './record-decoder.js'
import { compileRecordDecoder } from './record-decoder.js'
import type { FieldMapping } from './storage-columns.js'
import { mapShape } from './storage-columns.js'

/** Fields every record carries, set only by core. */
export const SYSTEM_FIELDS = ['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt'] as const

const systemColumns: Record<string, FieldDefinition> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

const systemRefs: Record<string, FieldRef> = {
  id: { field: 'id', type: 'string' },
  createdAt: { field: 'createdAt', type: 'datetime' },
  updatedAt: { field: 'updatedAt', type: 'datetime' },
  version: { field: 'version', type: 'integer' },
  archivedAt: { field: 'archivedAt', type: 'datetime' },
}

/**
 * An entity with everything derived from its declaration: the storage model, the create and update validators, the
 * codec between domain records and storage rows, and its static filter fields.
 *
 * @internal
 */
export class ResolvedEntity {
  readonly name: string
  readonly definition: EntityDefinition
  readonly shape: z.ZodRawShape
  readonly model: ModelDefinition
  readonly createSchema: z.ZodObject
  readonly updateSchema: z.ZodObject
  readonly mappings: readonly FieldMapping[]
  /** Static filter paths (system, declared and derived fields); custom fields are added per tenant. */
  readonly fieldRefs: ReadonlyMap<string, FieldRef>
  readonly hasCustom: boolean
  /** Filter paths whose values are lower-cased before comparison (see `EntityDefinition.lowerCasedFields`). */
  readonly lowerCasedFields: ReadonlySet<string>

  constructor(
    definition: EntityDefinition,
    extension: z.ZodRawShape = {},
    plugin?: string,
    extraIndexes: IndexDefinition[] = [],
    extraRelations: Readonly<Record<string, RelationDefinition>> = {},
  ) {
    this.name = definition.name
    this.definition = definition
    this.shape = { ...definition.shape, ...extension }
    for (const key of Object.keys(this.shape)) {
      if ((SYSTEM_FIELDS as readonly string[]).includes(key)) {
        throw new TypeError(`Entity "${definition.name}" declares the system field "${key}"`)
      }
    }
    this.hasCustom = 'custom' in this.shape
    this.mappings = mapShape(this.shape, definition.references)
    this.fromRow = compileRecordDecoder(SYSTEM_FIELDS, this.mappings)
    this.recordFields = Object.freeze([
      ...SYSTEM_FIELDS,
      ...this.mappings.flatMap((m) => (m.kind === 'money' ? [m.minorColumn, m.currencyColumn] : [m.field])),
    ])
    const fields: Record<string, FieldDefinition> = { ...systemColumns }
    const refs = new Map<string, FieldRef>(Object.entries(systemRefs))
    for (const m of this.mappings) {
      if (m.kind === 'scalar') {
        fields[m.field] = m.column
        refs.set(m.field, {
          field: m.field,
          type: m.arrayOf ?? m.column.type,
          ...(m.column.array ? { array: true } : {}),
        })
      } else if (m.kind === 'money') {
        fields[m.minorColumn] = { type: 'integer' }
        fields[m.currencyColumn] = { type: 'string' }
        refs.set(`${m.field}.amountMinor`, { field: m.minorColumn, type: 'integer' })
        refs.set(`${m.field}.currency`, { field: m.currencyColumn, type: 'string' })
      } else {
        fields[m.field] = { type: 'json', ...(m.field === 'custom' ? { required: true } : {}) }
        for (const [key, type] of Object.entries(m.objectKeys)) {
          refs.set(`${m.field}.${key}`, { field: m.field, path: [key], type })
        }
      }
    }
    const derived = definition.derived
    if (derived) {
      for (const [name, column] of Object.entries(derived.columns)) {
        fields[name] = column
        refs.set(name, { field: name, type: column.type, ...(column.array ? { array: true } : {}) })
      }
      for (const [alias, column] of Object.entries(derived.filterAliases ?? {})) {
        const ref = refs.get(column)
        if (ref) refs.set(alias, { ...ref, type: ref.array ? 'string' : ref.type })
      }
    }
    const searchFields = definition.searchFields ?? []
    if (searchFields.length > 0) {
      for (const name of Object.keys(searchDocumentFields)) {
        if (name in fields)
          throw new TypeError(`Entity "${definition.name}" declares the search field "${name}"`)
      }
      Object.assign(fields, searchDocumentFields)
    }
    // Arrays of scalars are filtered by their element type.
    for (const [path, ref] of refs) {
      if (ref.array && ref.type === 'json') refs.set(path, { ...ref, type: 'string' })
    }
    this.fieldRefs = refs
    this.lowerCasedFields = new Set(definition.lowerCasedFields ?? [])
    this.model = Object.freeze({
      name: definition.name,
      table: definition.table ?? definition.name,
      idPrefix: definition.idPrefix,
      fields: Object.freeze(fields),
      indexes: Object.freeze([...(definition.indexes ?? []), ...extraIndexes]),
      relations: Object.freeze({ ...(definition.relations ?? {}), ...extraRelations }),
      searchFields: Object.freeze([...searchFields]),
      ...(definition.lowerCasedFields
        ? { lowerCasedFields: Object.freeze([...definition.lowerCasedFields]) }
        : {}),
      ...(definition.searchPhrases
        ? { searchPhrases: Object.freeze(definition.searchPhrases.map((p) => Object.freeze([...p]))) }
        : {}),
      ...(plugin ? { plugin } : {}),
    })
    // A row of exactly recordFields, in model order, is already the record when fromRow only copies fields in that
    // same order (no money field assembling an object from two columns).
    const recordFieldSet = new Set(this.recordFields)
    const inModelOrder = Object.keys(fields).filter((f) => recordFieldSet.has(f))
    this.rowIsRecord =
      this.mappings.every((m) => m.kind !== 'money') &&
      inModelOrder.length === this.recordFields.length &&
      inModelOrder.every((f, i) => f === this.recordFields[i])
    const readOnly = new Set(definition.readOnly ?? [])
    const writable = Object.fromEntries(Object.entries(this.shape).filter(([k]) => !readOnly.has(k)))
    this.createSchema = z.strictObject(writable)
    this.updateSchema = z.strictObject(
      Object.fromEntries(Object.entries(writable).map(([k, s]) => [k, unwrapDefault(s).optional()])),
    )
  }

  /** Converts a full domain record into its storage row (derived columns included). */
  toRow(record: Readonly<Record<string, unknown>>): StorageRow {
    const row: StorageRow = {}
    for (const f of SYSTEM_FIELDS) row[f] = (record[f] ?? null) as StorageValue
    for (const m of this.mappings) {
      const value = record[m.field]
      if (m.kind === 'money') {
        const money = value as { amountMinor: number; currency: string } | null | undefined
        row[m.minorColumn] = money ? money.amountMinor : null
        row[m.currencyColumn] = money ? money.currency : null
      } else {
        row[m.field] = (value === undefined ? null : value) as StorageValue
      }
    }
    if (this.definition.derived) Object.assign(row, this.definition.derived.compute(record))
    // The search document reads the finished row, derived columns included (e.g. a contact's email addresses).
    if (this.model.searchFields.length > 0) Object.assign(row, searchDocument(this.model, row))
    return row
  }

  /** Converts a storage row back into the domain record (compiled once per entity; see `compileRecordDecoder`). */
  readonly fromRow: RecordDecoder

  /**
   * The storage fields `fromRow` reads (system fields, the shape's columns, both columns of money), one array for the
   * entity's life: passed to reads as `fields`, so adapters skip derived and search columns no record shows.
   */
  readonly recordFields: readonly string[]

  /**
   * True when a row holding exactly {@link recordFields} (an adapter with `capabilities.exactReadFields`) is the
   * record as `fromRow` would build it, key for key and in the same order, so it needs no copy.
   */
  readonly rowIsRecord: boolean
}

/** `.default(x)` applies on update too unless removed: an update must not reset omitted fields. */
function unwrapDefault(schema: z.core.$ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType }
  if (def.type === 'default' && def.innerType) return def.innerType as z.ZodType
  return schema as z.ZodType
}
