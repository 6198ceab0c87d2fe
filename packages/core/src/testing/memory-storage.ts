import { RapportError } from '../errors/rapport-error.js'
import { rankSearchRows } from '../search/search-match.js'
import { rankReadableSearchRows } from '../search/search-row-matcher.js'
import { parseSearchQuery } from '../search/search-text.js'
import { compareRows } from '../storage/compare-storage-values.js'
import { aggregateRowsByScan } from '../storage/grouped-aggregation-scan.js'
import type { StorageSchema } from '../storage/model-definition.js'
import { aggregateCustomerOrdersByScan } from '../storage/order-aggregation-scan.js'
import type {
  FindManyArgs,
  MigrationPlan,
  MigrationReport,
  SearchArgs,
  StorageAdapter,
  StorageCapabilities,
  StorageOperations,
  StorageTransaction,
} from '../storage/storage-adapter.js'
import type { StorageRow } from '../storage/storage-filter.js'
import type { MemoryScope } from './memory-operations.js'
import { deleteRows, insertRows, matchingRows, predicateFor, updateRows } from './memory-operations.js'
import { copyRow, newStoredRow } from './memory-rows.js'
import { CommittedTables, OverlayTables } from './memory-views.js'

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** The adapter's `name`, shown in logs and test titles (default `memory`). */
  readonly name?: string
  /**
   * Process `createMany` in chunks of this many rows, inside one atomic unit, like a SQL adapter under a driver's
   * parameter limit. Reported as `capabilities.maxRowsPerStatement`. Unlimited by default.
   */
  readonly maxRowsPerStatement?: number
  /** Offer `search()` (default `true`); set `false` to exercise core's fallback to `contains` filters. */
  readonly fullTextSearch?: boolean
}

/** Serialises async critical sections: each runs after the previous one settles. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(section: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(section)
    this.tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}

/** The hash of a schema's shape, so an added model or column gets a new migration name. */
function fingerprint(schema: StorageSchema): string {
  const text = JSON.stringify(schema.models, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash.toString(16).padStart(8, '0')
}

/** Rejects a count that is not a safe integer of at least `min`. */
function checkLimit(value: number | undefined, what: string, code = 'STORAGE_FAILURE', min = 0): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new RapportError(code, `${what} must be a safe integer ≥ ${min}, got ${String(value)}`, {
      details: { [what]: value },
    })
  }
}

/**
 * Creates the in-memory storage adapter: the reference implementation of the storage port, and what to use in your
 * own unit tests. It keeps no schema state and depends on nothing but the platform, so it runs in Node, browsers and
 * edge runtimes.
 *
 * - **Isolation**: every row is copied on the way in and out; tenants never see each other's rows.
 * - **Constraints**: unique indexes (per tenant, `null`s distinct, as in SQL) raise `UNIQUE_VIOLATION`; dangling
 *   `references` raise `CONSTRAINT_VIOLATION`; deletes apply `onDelete` (`cascade`, `set null`, `restrict`,
 *   the default). A failing call writes nothing.
 * - **Transactions** are real and **serialised**: `transaction(fn)` holds an exclusive write lock until `fn`
 *   settles, works on a copy-on-write overlay (reads inside see their own writes, reads outside see only committed
 *   data), and publishes the overlay atomically on success. Writes outside the transaction wait for it, so never
 *   call the outer storage from inside `fn` (use `tx`): that write would wait for the transaction forever.
 * - **Search** is the reference semantics: `parseSearchQuery()` matched against each row's search document and
 *   ranked by `rankSearchRows()` (exact key, then key prefix, then any match; ties by id).
 * - **Migrations** are a no-op that records which schema shapes were applied.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createMemoryStorage } from '@rapport/core/testing'
 *
 * const crm = createCrm({ storage: createMemoryStorage() })
 * await crm.migrate()
 * ```
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): StorageAdapter {
  checkLimit(options.maxRowsPerStatement, 'maxRowsPerStatement', 'INVALID_CONFIG', 1)
  const committed = new CommittedTables()
  const lock = new Lock()
  const applied: string[] = []
  let closed = false
  const chunkSize = options.maxRowsPerStatement ?? Number.POSITIVE_INFINITY
  const capabilities: StorageCapabilities = Object.freeze({
    transactions: true,
    fullTextSearch: options.fullTextSearch ?? true,
    readableSearch: options.fullTextSearch ?? true,
    jsonPaths: true,
    concurrentWriters: false,
    orderAggregation: true,
    aggregation: true,
    ...(options.maxRowsPerStatement === undefined
      ? {}
      : { maxRowsPerStatement: options.maxRowsPerStatement }),
  })

  const ensureOpen = (): void => {
    if (closed) throw new RapportError('STORAGE_FAILURE', 'The memory storage has been closed')
  }

  /**
   * The operations against one view. `write` runs a synchronous mutation: outside a transaction it takes the write
   * lock, inside one it runs directly (the transaction already holds the lock). `alive` guards against use of a
   * transaction after it finished.
   */
  const operations = (
    view: CommittedTables | OverlayTables,
    write: <T>(mutation: () => T) => Promise<T>,
    alive: () => void,
  ): StorageOperations => {
    const read = async <T>(query: () => T): Promise<T> => {
      ensureOpen()
      alive()
      return query()
    }
    const scoped = (scope: MemoryScope): MemoryScope => ({
      model: scope.model,
      tenantId: scope.tenantId,
      schema: scope.schema,
    })
    const ops: StorageOperations = {
      create: (args) =>
        write(() => {
          const row = newStoredRow(args.model, args.tenantId, args.data)
          insertRows(view, scoped(args), [row])
          return copyRow(row)
        }),
      createMany: (args) =>
        write(() => {
          const rows = args.data.map((data) => newStoredRow(args.model, args.tenantId, data))
          // Chunks go through a nested overlay so a failing chunk undoes the earlier ones, as a SQL adapter's
          // enclosing transaction would.
          const unit = new OverlayTables(view)
          for (let start = 0; start < rows.length; start += chunkSize) {
            insertRows(unit, scoped(args), rows.slice(start, start + chunkSize))
          }
          unit.commit()
          return rows.length
        }),
      findById: (args) =>
        read(() => {
          const row = view.read(args.tenantId, args.model.name).rows.get(args.id)
          return row ? copyRow(row) : null
        }),
      findByIds: (args) =>
        read(() => {
          const table = view.read(args.tenantId, args.model.name)
          const rows: StorageRow[] = []
          for (const id of new Set(args.ids)) {
            const row = table.rows.get(id)
            if (row) rows.push(copyRow(row))
          }
          return rows
        }),
      findMany: (args: FindManyArgs) =>
        read(() => {
          checkLimit(args.limit, 'limit')
          checkLimit(args.offset, 'offset')
          let rows = matchingRows(view, scoped(args), args.where)
          if (args.orderBy && args.orderBy.length > 0) rows.sort(compareRows(args.orderBy))
          const offset = args.offset ?? 0
          if (offset > 0 || args.limit !== undefined) {
            rows = rows.slice(offset, args.limit === undefined ? undefined : offset + args.limit)
          }
          return rows.map(copyRow)
        }),
      count: (args) => read(() => matchingRows(view, scoped(args), args.where).length),
      updateById: (args) =>
        write(() => {
          const current = view.read(args.tenantId, args.model.name).rows.get(args.id)
          if (!current) return null
          if (args.guard && !predicateFor(view, scoped(args), args.guard)(current)) return null
          const [updated] = updateRows(view, scoped(args), [current], args.data)
          return updated ? copyRow(updated) : null
        }),
      updateMany: (args) =>
        write(
          () =>
            updateRows(view, scoped(args), matchingRows(view, scoped(args), args.where), args.data).length,
        ),
      deleteById: (args) =>
        write(() => {
          const current = view.read(args.tenantId, args.model.name).rows.get(args.id)
          if (!current) return false
          if (args.guard && !predicateFor(view, scoped(args), args.guard)(current)) return false
          return deleteRows(view, scoped(args), [args.id]) === 1
        }),
      deleteMany: (args) =>
        write(() => {
          const ids = matchingRows(view, scoped(args), args.where).map((row) => row['id'] as string)
          return deleteRows(view, scoped(args), ids)
        }),
    }
    // The reference implementation: the same scan core runs when an adapter cannot group in the database.
    ops.aggregateCustomerOrders = (args) => aggregateCustomerOrdersByScan(ops, args)
    ops.aggregate = (args) => aggregateRowsByScan(ops, args)
    if (capabilities.fullTextSearch) {
      ops.search = (args: SearchArgs) =>
        read(() => {
          checkLimit(args.limit, 'limit')
          const rows = matchingRows(view, scoped(args), args.where)
          const query = parseSearchQuery(args.query)
          const ranked = args.readableFields
            ? rankReadableSearchRows(rows, args.model, args.readableFields, query)
            : rankSearchRows(rows, query)
          return ranked.slice(0, args.limit).map(copyRow)
        })
    }
    return ops
  }

  const outside = operations(
    committed,
    (mutation) =>
      lock.run(() => {
        ensureOpen()
        return mutation()
      }),
    () => undefined,
  )

  const migrationName = (schema: StorageSchema): string => `schema-v${schema.version}-${fingerprint(schema)}`

  return {
    ...outside,
    name: options.name ?? 'memory',
    capabilities,
    transaction: <R>(fn: (tx: StorageTransaction) => Promise<R>): Promise<R> =>
      lock.run(async () => {
        ensureOpen()
        const overlay = new OverlayTables(committed)
        let active = true
        const alive = (): void => {
          if (!active) throw new RapportError('STORAGE_FAILURE', 'This transaction has already finished')
        }
        const tx = operations(
          overlay,
          async (mutation) => {
            ensureOpen()
            alive()
            return mutation()
          },
          alive,
        )
        try {
          const result = await fn(tx)
          overlay.commit()
          return result
        } finally {
          active = false
        }
      }),
    migrations: {
      plan: async (schema: StorageSchema): Promise<MigrationPlan> => {
        ensureOpen()
        const name = migrationName(schema)
        return { statements: applied.includes(name) ? [] : [`-- memory storage: record ${name}`] }
      },
      apply: (schema: StorageSchema): Promise<MigrationReport> =>
        lock.run(() => {
          ensureOpen()
          const name = migrationName(schema)
          if (applied.includes(name)) return { applied: [], skipped: [name] }
          applied.push(name)
          return { applied: [name], skipped: [] }
        }),
    },
    close: async () => {
      closed = true
    },
  }
}
