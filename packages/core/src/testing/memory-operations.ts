import { RapportError } from '../errors/rapport-error.js'
import { readFieldRef } from '../storage/compare-storage-values.js'
import type { StoragePredicate } from '../storage/evaluate-storage-filter.js'
import { compileStorageFilter } from '../storage/evaluate-storage-filter.js'
import type { FieldDefinition, ModelDefinition, StorageSchema } from '../storage/model-definition.js'
import type { ResolvedRelation, StorageFilter, StorageRow } from '../storage/storage-filter.js'
import { updatedStoredRow } from './memory-rows.js'
import type { MemoryTable } from './memory-table.js'
import { encodeValue, indexKey } from './memory-table.js'
import type { TableView } from './memory-views.js'

/** Which model, in which tenant, against which schema: the scope of one memory operation. */
export interface MemoryScope {
  readonly model: ModelDefinition
  readonly tenantId: string
  readonly schema: StorageSchema
}

/** Groups the rows of a table by the encoded value of one column, for joins. */
function groupBy(table: MemoryTable, field: string): Map<string, StorageRow[]> {
  const groups = new Map<string, StorageRow[]>()
  for (const row of table.rows.values()) {
    const value = row[field]
    if (value === null || value === undefined) continue
    const key = encodeValue(value)
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  return groups
}

/**
 * Resolves `exists` relations against the tables of one tenant. Join indexes are built lazily, once per compiled
 * filter, so an `exists` over N rows costs one pass over the related table plus a lookup per row.
 */
function relatedRows(view: TableView, tenantId: string) {
  const groups = new Map<string, Map<string, StorageRow[]>>()
  const grouped = (model: string, field: string): Map<string, StorageRow[]> => {
    const key = `${model}\u0000${field}`
    let group = groups.get(key)
    if (!group) groups.set(key, (group = groupBy(view.read(tenantId, model), field)))
    return group
  }
  return function* related(relation: ResolvedRelation, row: StorageRow): Iterable<StorageRow> {
    if (relation.kind === 'direct') {
      const local = readFieldRef(row, { field: relation.localField, type: 'string' })
      if (local === null) return
      if (relation.relatedField === 'id') {
        const found =
          typeof local === 'string' ? view.read(tenantId, relation.model).rows.get(local) : undefined
        if (found) yield found
        return
      }
      yield* grouped(relation.model, relation.relatedField).get(encodeValue(local)) ?? []
      return
    }
    const id = row['id']
    if (typeof id !== 'string') return
    const targets = view.read(tenantId, relation.model)
    const pins = Object.entries(relation.throughWhere)
    for (const join of grouped(relation.through, relation.throughFrom).get(encodeValue(id)) ?? []) {
      if (!pins.every(([field, value]) => join[field] === value)) continue
      const target = join[relation.throughTo]
      const found = typeof target === 'string' ? targets.rows.get(target) : undefined
      if (found) yield found
    }
  }
}

/** The predicate of `where` in this scope (every row when absent). */
export function predicateFor(view: TableView, scope: MemoryScope, where?: StorageFilter): StoragePredicate {
  if (!where) return () => true
  return compileStorageFilter(where, { related: relatedRows(view, scope.tenantId) })
}

/** The stored rows of the scope's table matching `where`, in insertion order. */
export function matchingRows(view: TableView, scope: MemoryScope, where?: StorageFilter): StorageRow[] {
  const matches = predicateFor(view, scope, where)
  const rows: StorageRow[] = []
  for (const row of view.read(scope.tenantId, scope.model.name).rows.values())
    if (matches(row)) rows.push(row)
  return rows
}

/** `custom.tier` for a path field, the column name otherwise. */
function fieldName(field: ModelDefinition['indexes'][number]['fields'][number]): string {
  return typeof field === 'string' ? field : [field.field, ...field.path].join('.')
}

function uniqueViolation(model: ModelDefinition, index: string, fields: readonly string[]): RapportError {
  return new RapportError(
    'UNIQUE_VIOLATION',
    `Another ${model.name} in this tenant already has the same ${fields.join(', ')} (unique index ${index})`,
    { details: { model: model.name, index, fields } },
  )
}

/**
 * Checks primary keys and unique indexes for rows about to be written. `replacing` holds the ids of rows being
 * rewritten by an update, whose current keys are about to be released.
 */
function checkUnique(
  table: MemoryTable,
  model: ModelDefinition,
  rows: readonly StorageRow[],
  replacing: ReadonlySet<string>,
): void {
  if (replacing.size === 0) {
    const ids = new Set<string>()
    for (const row of rows) {
      const id = row['id'] as string
      if (table.rows.has(id) || ids.has(id)) throw uniqueViolation(model, 'primary', ['id'])
      ids.add(id)
    }
  }
  for (const index of model.indexes) {
    if (!index.unique) continue
    const keys = table.unique(index)
    const seen = new Map<string, string>()
    for (const row of rows) {
      const key = indexKey(row, index.fields)
      if (key === undefined) continue
      const id = row['id'] as string
      const owner = keys.get(key)
      const batchOwner = seen.get(key)
      if (
        (owner !== undefined && owner !== id && !replacing.has(owner)) ||
        (batchOwner !== undefined && batchOwner !== id)
      ) {
        throw uniqueViolation(model, index.name, index.fields.map(fieldName))
      }
      seen.set(key, id)
    }
  }
}

/** Checks that every reference column of `rows` (only those that changed, for updates) points at a row. */
function checkReferences(
  view: TableView,
  scope: MemoryScope,
  rows: readonly StorageRow[],
  previous?: ReadonlyMap<string, StorageRow>,
): void {
  const { model, tenantId } = scope
  const batch = new Set(rows.map((row) => row['id']))
  for (const [field, def] of Object.entries(model.fields)) {
    const target = def.references?.model
    if (!target) continue
    const targets = view.read(tenantId, target)
    for (const row of rows) {
      const value = row[field]
      if (value === null || value === undefined) continue
      if (previous && previous.get(row['id'] as string)?.[field] === value) continue
      const found =
        typeof value === 'string' && (targets.rows.has(value) || (target === model.name && batch.has(value)))
      if (!found) {
        throw new RapportError(
          'CONSTRAINT_VIOLATION',
          `${model.name}.${field} references a ${target} that does not exist in this tenant`,
          { details: { model: model.name, field, references: target, value } },
        )
      }
    }
  }
}

/** Inserts stored-form rows after checking keys and references; writes nothing when a check fails. */
export function insertRows(view: TableView, scope: MemoryScope, rows: readonly StorageRow[]): void {
  checkUnique(view.read(scope.tenantId, scope.model.name), scope.model, rows, new Set())
  checkReferences(view, scope, rows)
  const table = view.write(scope.tenantId, scope.model.name)
  for (const row of rows) table.put(row)
}

/** Applies `data` to `matched` rows after checking keys and references; returns the new stored rows. */
export function updateRows(
  view: TableView,
  scope: MemoryScope,
  matched: readonly StorageRow[],
  data: StorageRow,
): StorageRow[] {
  if (matched.length === 0) return []
  const updated = matched.map((row) => updatedStoredRow(scope.model, row, data))
  const previous = new Map(matched.map((row) => [row['id'] as string, row]))
  checkUnique(view.read(scope.tenantId, scope.model.name), scope.model, updated, new Set(previous.keys()))
  checkReferences(view, scope, updated, previous)
  const table = view.write(scope.tenantId, scope.model.name)
  for (const row of updated) table.put(row)
  return updated
}

/** A reference column of some model pointing at another model. */
interface Reference {
  readonly from: ModelDefinition
  readonly field: string
  readonly onDelete: NonNullable<FieldDefinition['references']>['onDelete'] & string
}

function referencesTo(schema: StorageSchema, target: string): Reference[] {
  const refs: Reference[] = []
  for (const from of Object.values(schema.models)) {
    for (const [field, def] of Object.entries(from.fields)) {
      if (def.references?.model === target)
        refs.push({ from, field, onDelete: def.references.onDelete ?? 'restrict' })
    }
  }
  return refs
}

/**
 * Deletes rows by id and applies every `onDelete` action transitively (`cascade`, `set null`, `restrict`, the
 * default). All checks run before anything is written. Returns how many rows of the scope's model were deleted.
 */
export function deleteRows(view: TableView, scope: MemoryScope, ids: readonly string[]): number {
  const { schema, tenantId } = scope
  const doomed = new Map<string, Set<string>>([[scope.model.name, new Set(ids)]])
  const restricted: { ref: Reference; id: string; target: string }[] = []
  const nulled = new Map<string, { model: ModelDefinition; id: string; fields: Set<string> }>()
  const queue: { model: string; ids: readonly string[] }[] = [{ model: scope.model.name, ids }]
  for (let step = queue.shift(); step; step = queue.shift()) {
    const gone = new Set(step.ids)
    for (const ref of referencesTo(schema, step.model)) {
      const cascaded: string[] = []
      for (const row of view.read(tenantId, ref.from.name).rows.values()) {
        const value = row[ref.field]
        if (typeof value !== 'string' || !gone.has(value)) continue
        const id = row['id'] as string
        if (ref.onDelete === 'cascade') {
          let set = doomed.get(ref.from.name)
          if (!set) doomed.set(ref.from.name, (set = new Set()))
          if (!set.has(id)) {
            set.add(id)
            cascaded.push(id)
          }
        } else if (ref.onDelete === 'set null') {
          const key = `${ref.from.name}\u0000${id}`
          const entry = nulled.get(key) ?? { model: ref.from, id, fields: new Set<string>() }
          entry.fields.add(ref.field)
          nulled.set(key, entry)
        } else {
          restricted.push({ ref, id, target: step.model })
        }
      }
      if (cascaded.length > 0) queue.push({ model: ref.from.name, ids: cascaded })
    }
  }
  for (const { ref, id, target } of restricted) {
    if (doomed.get(ref.from.name)?.has(id)) continue
    throw new RapportError(
      'CONSTRAINT_VIOLATION',
      `Cannot delete this ${target}: ${ref.from.name}.${ref.field} still references it`,
      { details: { model: target, referencedBy: ref.from.name, field: ref.field } },
    )
  }
  const rewrites: { model: ModelDefinition; row: StorageRow }[] = []
  for (const { model, id, fields } of nulled.values()) {
    if (doomed.get(model.name)?.has(id)) continue
    const current = view.read(tenantId, model.name).rows.get(id)
    if (!current) continue
    const patch = Object.fromEntries([...fields].map((field) => [field, null]))
    rewrites.push({ model, row: updatedStoredRow(model, current, patch) })
  }
  for (const { model, row } of rewrites) view.write(tenantId, model.name).put(row)
  const own = view.read(tenantId, scope.model.name)
  const deleted = new Set(ids.filter((id) => own.rows.has(id))).size
  for (const [model, set] of doomed) {
    const table = view.write(tenantId, model)
    for (const id of set) table.remove(id)
  }
  return deleted
}
