import { RapportError } from '@rapport/core'
import { parseSearchQuery, rankSearchRows } from '@rapport/core/search'
import type {
  IndexDefinition,
  ModelDefinition,
  ModelScope,
  StorageAdapter,
  StorageCapabilities,
  StorageFilter,
  StorageOperations,
  StorageRow,
  StorageSchema,
} from '@rapport/core/storage'
import { compareRows, compileStorageFilter, readFieldRef } from '@rapport/core/storage'
import type { KvReader, KvWriter } from './kv-store.js'
import { KvBatch, KvStore } from './kv-store.js'

/** Options of {@link createKeyValueStorage}. */
export interface KeyValueStorageOptions {
  /** The store to use; a fresh one by default. Pass your own to share data between adapter instances. */
  readonly store?: KvStore
}

// ---------------------------------------------------------------------------------------------------------------
// Step 1 of the guide: decide where rows live. One hash per (tenant, table), field = row id, value = the row as
// JSON. Tenancy is part of every key, so a query cannot reach another tenant's rows.
// ---------------------------------------------------------------------------------------------------------------

const rowsHash = (tenantId: string, model: ModelDefinition) => `${tenantId}:${model.table}`
const uniqueHash = (tenantId: string, model: ModelDefinition, index: IndexDefinition) =>
  `${tenantId}:${model.table}:unique:${index.name}`
const MIGRATIONS = 'rapport:migrations'

/** Rows go in as JSON text. `JSON.stringify` writes `Date`s as ISO-8601 strings with milliseconds. */
function encodeRow(row: StorageRow): string {
  return JSON.stringify(row)
}

/** Rows come out with every column present, and `datetime` columns turned back into `Date`s. */
function decodeRow(model: ModelDefinition, text: string): StorageRow {
  const stored = JSON.parse(text) as StorageRow
  const row: StorageRow = {}
  for (const [field, def] of Object.entries(model.fields)) {
    const value = stored[field] ?? null
    row[field] = def.type === 'datetime' && typeof value === 'string' ? new Date(value) : value
  }
  return row
}

/** The unique-index key of a row, or `undefined` when a column is null (nulls never collide, as in SQL). */
function uniqueKey(row: StorageRow, index: IndexDefinition): string | undefined {
  const values = index.fields.map((field) =>
    typeof field === 'string'
      ? (row[field] ?? null)
      : readFieldRef(row, { field: field.field, path: field.path, type: 'string' }),
  )
  return values.includes(null) ? undefined : JSON.stringify(values)
}

function allRows(db: KvReader, tenantId: string, model: ModelDefinition): StorageRow[] {
  return [...db.hgetall(rowsHash(tenantId, model)).values()].map((text) => decodeRow(model, text))
}

function getRow(db: KvReader, tenantId: string, model: ModelDefinition, id: string): StorageRow | null {
  const text = db.hget(rowsHash(tenantId, model), id)
  return text === undefined ? null : decodeRow(model, text)
}

function modelNamed(schema: StorageSchema, name: string): ModelDefinition {
  const model = schema.models[name]
  if (!model) throw new RapportError('STORAGE_FAILURE', `Unknown model ${name}`, { details: { model: name } })
  return model
}

// ---------------------------------------------------------------------------------------------------------------
// Step 2: filters. Never write your own evaluator: compile the StorageFilter with core's reference semantics and
// tell it how to reach related rows for `exists`, always inside the same tenant.
// ---------------------------------------------------------------------------------------------------------------

function matcher(
  db: KvReader,
  scope: ModelScope,
  where: StorageFilter | undefined,
): (row: StorageRow) => boolean {
  if (!where) return () => true
  const { tenantId, schema } = scope
  return compileStorageFilter(where, {
    related(relation, row) {
      const target = modelNamed(schema, relation.model)
      if (relation.kind === 'direct') {
        const local = row[relation.localField]
        if (local === null || local === undefined) return []
        if (relation.relatedField === 'id') {
          const found = typeof local === 'string' ? getRow(db, tenantId, target, local) : null
          return found ? [found] : []
        }
        return allRows(db, tenantId, target).filter((r) => r[relation.relatedField] === local)
      }
      const joins = allRows(db, tenantId, modelNamed(schema, relation.through)).filter(
        (join) =>
          join[relation.throughFrom] === row['id'] &&
          Object.entries(relation.throughWhere).every(([field, value]) => join[field] === value),
      )
      return joins.flatMap((join) => {
        const id = join[relation.throughTo]
        const found = typeof id === 'string' ? getRow(db, tenantId, target, id) : null
        return found ? [found] : []
      })
    },
  })
}

function matching(db: KvReader, scope: ModelScope, where: StorageFilter | undefined): StorageRow[] {
  return allRows(db, scope.tenantId, scope.model).filter(matcher(db, scope, where))
}

// ---------------------------------------------------------------------------------------------------------------
// Step 3: constraints. Map every violation to a RapportError code: UNIQUE_VIOLATION, CONSTRAINT_VIOLATION.
// ---------------------------------------------------------------------------------------------------------------

function uniqueViolation(model: ModelDefinition, index: string, fields: readonly string[]): RapportError {
  return new RapportError('UNIQUE_VIOLATION', `Duplicate ${fields.join(', ')} for ${model.name}`, {
    details: { model: model.name, index, fields },
  })
}

function checkReferences(db: KvReader, scope: ModelScope, row: StorageRow, before?: StorageRow): void {
  for (const [field, def] of Object.entries(scope.model.fields)) {
    const value = row[field]
    if (!def.references || value === null || value === undefined || before?.[field] === value) continue
    const target = modelNamed(scope.schema, def.references.model)
    if (typeof value !== 'string' || getRow(db, scope.tenantId, target, value) === null) {
      throw new RapportError(
        'CONSTRAINT_VIOLATION',
        `${scope.model.name}.${field} references a missing row`,
        {
          details: { model: scope.model.name, field, references: target.name, value },
        },
      )
    }
  }
}

function writeRow(db: KvWriter, scope: ModelScope, row: StorageRow, before: StorageRow | null): void {
  const { model, tenantId } = scope
  const id = row['id'] as string
  for (const index of model.indexes) {
    if (!index.unique) continue
    const oldKey = before ? uniqueKey(before, index) : undefined
    const newKey = uniqueKey(row, index)
    if (newKey !== undefined && newKey !== oldKey) {
      const owner = db.hget(uniqueHash(tenantId, model, index), newKey)
      if (owner !== undefined && owner !== id) {
        throw uniqueViolation(
          model,
          index.name,
          index.fields.map((f) => (typeof f === 'string' ? f : f.field)),
        )
      }
    }
    if (oldKey !== undefined && oldKey !== newKey) db.hdel(uniqueHash(tenantId, model, index), oldKey)
    if (newKey !== undefined) db.hset(uniqueHash(tenantId, model, index), newKey, id)
  }
  checkReferences(db, scope, row, before ?? undefined)
  for (const [field, def] of Object.entries(model.fields)) {
    if (def.required && row[field] === null) {
      throw new RapportError('CONSTRAINT_VIOLATION', `${model.name}.${field} may not be null`, {
        details: { model: model.name, field },
      })
    }
  }
  db.hset(rowsHash(tenantId, model), id, encodeRow(row))
}

function insertRow(db: KvWriter, scope: ModelScope, data: StorageRow): StorageRow {
  const row: StorageRow = {}
  for (const field of Object.keys(scope.model.fields)) row[field] = data[field] ?? null
  row['tenantId'] = scope.tenantId
  if (db.hget(rowsHash(scope.tenantId, scope.model), String(row['id'])) !== undefined) {
    throw uniqueViolation(scope.model, 'primary', ['id'])
  }
  writeRow(db, scope, row, null)
  return row
}

function updateRow(db: KvWriter, scope: ModelScope, before: StorageRow, data: StorageRow): StorageRow {
  const row: StorageRow = { ...before }
  for (const [field, value] of Object.entries(data)) if (value !== undefined) row[field] = value
  writeRow(db, scope, row, before)
  return row
}

/** Deletes a row after applying `onDelete` to every row that references it (default `restrict`). */
function deleteRow(db: KvWriter, scope: ModelScope, row: StorageRow): void {
  const { model, tenantId, schema } = scope
  for (const other of Object.values(schema.models)) {
    for (const [field, def] of Object.entries(other.fields)) {
      if (def.references?.model !== model.name) continue
      const otherScope = { ...scope, model: other }
      for (const referencing of allRows(db, tenantId, other).filter((r) => r[field] === row['id'])) {
        const action = def.references.onDelete ?? 'restrict'
        if (action === 'cascade') deleteRow(db, otherScope, referencing)
        else if (action === 'set null') updateRow(db, otherScope, referencing, { [field]: null })
        else {
          throw new RapportError('CONSTRAINT_VIOLATION', `${other.name}.${field} still references this row`, {
            details: { model: model.name, referencedBy: other.name, field },
          })
        }
      }
    }
  }
  for (const index of model.indexes) {
    const key = index.unique ? uniqueKey(row, index) : undefined
    if (key !== undefined) db.hdel(uniqueHash(tenantId, model, index), key)
  }
  db.hdel(rowsHash(tenantId, model), String(row['id']))
}

// ---------------------------------------------------------------------------------------------------------------
// Step 4: atomicity. Every statement runs in its own batch (all or nothing), inside the transaction's batch when
// there is one; a transaction's batch reaches the store only when `fn` resolves.
// ---------------------------------------------------------------------------------------------------------------

/** Serialises writers: one statement or transaction at a time. */
class Lock {
  #tail: Promise<unknown> = Promise.resolve()
  run<T>(section: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(section)
    this.#tail = result.catch(() => undefined)
    return result
  }
}

function operations(
  db: KvWriter,
  write: <T>(statement: (batch: KvWriter) => T) => Promise<T>,
): StorageOperations {
  return {
    create: (args) => write((batch) => insertRow(batch, args, args.data)),
    createMany: (args) =>
      write((batch) => {
        for (const data of args.data) insertRow(batch, args, data)
        return args.data.length
      }),
    findById: async (args) => getRow(db, args.tenantId, args.model, args.id),
    findByIds: async (args) => {
      const rows: StorageRow[] = []
      for (const id of new Set(args.ids)) {
        const row = getRow(db, args.tenantId, args.model, id)
        if (row) rows.push(row)
      }
      return rows
    },
    findMany: async (args) => {
      const rows = matching(db, args, args.where)
      if (args.orderBy?.length) rows.sort(compareRows(args.orderBy))
      const start = args.offset ?? 0
      return rows.slice(start, args.limit === undefined ? undefined : start + args.limit)
    },
    count: async (args) => matching(db, args, args.where).length,
    // Search has one semantics on every adapter: core fills the searchTerms/searchKeys columns on every write, and
    // rankSearchRows matches and ranks them. A real key-value adapter would index searchTerms; a scan is enough here.
    search: async (args) =>
      rankSearchRows(matching(db, args, args.where), parseSearchQuery(args.query)).slice(0, args.limit),
    updateById: (args) =>
      write((batch) => {
        const before = getRow(batch, args.tenantId, args.model, args.id)
        if (!before || !matcher(batch, args, args.guard)(before)) return null
        return updateRow(batch, args, before, args.data)
      }),
    updateMany: (args) =>
      write((batch) => {
        const rows = matching(batch, args, args.where)
        for (const row of rows) updateRow(batch, args, row, args.data)
        return rows.length
      }),
    deleteById: (args) =>
      write((batch) => {
        const row = getRow(batch, args.tenantId, args.model, args.id)
        if (!row || !matcher(batch, args, args.guard)(row)) return false
        deleteRow(batch, args, row)
        return true
      }),
    deleteMany: (args) =>
      write((batch) => {
        const rows = matching(batch, args, args.where)
        for (const row of rows)
          if (getRow(batch, args.tenantId, args.model, String(row['id']))) deleteRow(batch, args, row)
        return rows.length
      }),
  }
}

/** Runs one statement in a batch over `parent`, applying it only if it completes. */
function statement<T>(parent: KvWriter, run: (batch: KvWriter) => T): T {
  const batch = new KvBatch(parent)
  const result = run(batch)
  batch.exec()
  return result
}

/**
 * A storage adapter over a Redis-style key-value store. Rows are JSON strings in one hash per tenant and table;
 * unique indexes are hashes of key → id; filters and ordering use core's reference evaluator. Transactions buffer
 * their writes and apply them at commit (serialised, one at a time). Search scans with core's one search semantics.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 *
 * const crm = createCrm({ storage: createKeyValueStorage() })
 * await crm.migrate()
 * ```
 */
export function createKeyValueStorage(options: KeyValueStorageOptions = {}): StorageAdapter {
  const store = options.store ?? new KvStore()
  const lock = new Lock()
  // Step 5: honest capabilities. The kit skips what is declared unsupported, and tests everything else.
  const capabilities: StorageCapabilities = {
    transactions: true,
    fullTextSearch: true,
    jsonPaths: true,
    concurrentWriters: false,
  }
  const outside = operations(store, (run) => lock.run(() => statement(store, run)))
  return {
    name: 'key-value',
    capabilities,
    ...outside,
    transaction: (fn) =>
      lock.run(async () => {
        const tx = new KvBatch(store)
        const result = await fn(operations(tx, async (run) => statement(tx, run)))
        tx.exec()
        return result
      }),
    migrations: {
      async plan(schema) {
        const name = `schema-v${schema.version}`
        return { statements: store.hget(MIGRATIONS, name) ? [] : [`HSET ${MIGRATIONS} ${name} <now>`] }
      },
      apply: (schema) =>
        lock.run(() => {
          const name = `schema-v${schema.version}`
          if (store.hget(MIGRATIONS, name)) return { applied: [], skipped: [name] }
          store.hset(MIGRATIONS, name, new Date().toISOString())
          return { applied: [name], skipped: [] }
        }),
    },
    close: async () => {},
  }
}
