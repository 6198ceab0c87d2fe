import type {
  FindManyArgs,
  ModelScope,
  ResolvedRelation,
  StorageAdapter,
  StorageFilter,
  StorageOperations,
  StorageRow,
  StorageValue,
} from '@rapport/core/storage'
import { aggregateCustomerOrdersByScan, compareRows, compileStorageFilter } from '@rapport/core/storage'
import type { RunConformanceOptions } from '@rapport/core/testing'
import { conformanceSchema, createMemoryStorage, runConformance } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'

/**
 * Each adapter below is the memory adapter with one realistic bug. The kit must report failures for every one of
 * them, in the suite that owns the broken behaviour, while the unbroken adapter passes the same run.
 */

/** Rewrites every node of a filter bottom-up. */
function mapFilter(filter: StorageFilter, fn: (node: StorageFilter) => StorageFilter): StorageFilter {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return fn({ kind: filter.kind, filters: filter.filters.map((child) => mapFilter(child, fn)) })
    case 'not':
      return fn({ kind: 'not', filter: mapFilter(filter.filter, fn) })
    case 'exists':
      return fn({ ...filter, filter: mapFilter(filter.filter, fn) })
    default:
      return fn(filter)
  }
}

/** Applies a filter rewrite to every `where` and `guard` an adapter receives, inside transactions too. */
function rewriteFilters(base: StorageAdapter, fn: (node: StorageFilter) => StorageFilter): StorageAdapter {
  const wrapOps = (ops: StorageOperations): StorageOperations => {
    const fix = <T extends { where?: StorageFilter; guard?: StorageFilter }>(args: T): T => ({
      ...args,
      ...(args.where ? { where: mapFilter(args.where, fn) } : {}),
      ...(args.guard ? { guard: mapFilter(args.guard, fn) } : {}),
    })
    return {
      ...ops,
      findMany: (args) => ops.findMany(fix(args)),
      count: (args) => ops.count(fix(args)),
      updateById: (args) => ops.updateById(fix(args)),
      updateMany: (args) => ops.updateMany(fix(args)),
      deleteById: (args) => ops.deleteById(fix(args)),
      deleteMany: (args) => ops.deleteMany(fix(args)),
    }
  }
  return { ...base, ...wrapOps(base), transaction: (fn2) => base.transaction((tx) => fn2(wrapOps(tx))) }
}

function truncateDates(row: StorageRow): StorageRow {
  const out: StorageRow = {}
  for (const [key, value] of Object.entries(row)) {
    out[key] = value instanceof Date ? new Date(Math.floor(value.getTime() / 1000) * 1000) : value
  }
  return out
}

/** True when the filter holds an `exists` through a join table. */
function hasThrough(filter: StorageFilter | undefined): boolean {
  if (!filter) return false
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.filters.some(hasThrough)
    case 'not':
      return hasThrough(filter.filter)
    case 'exists':
      return filter.relation.kind === 'through' || hasThrough(filter.filter)
    default:
      return false
  }
}

/** Orders and pages rows the way `findMany` does. */
function page(rows: StorageRow[], args: FindManyArgs): StorageRow[] {
  if (args.orderBy && args.orderBy.length > 0) rows.sort(compareRows(args.orderBy))
  const start = args.offset ?? 0
  return rows.slice(start, args.limit === undefined ? undefined : start + args.limit)
}

/**
 * `exists` through a join table evaluated with a join that keeps the tenant on the outer row only: join rows and
 * targets of every tenant are visible (as a SQL join on ids alone would be).
 */
function tenantBlindThroughJoins(): StorageAdapter {
  const base = createMemoryStorage()
  const rowsOf = new Map<string, StorageRow[]>()
  const remember = (model: string, rows: readonly StorageRow[]) =>
    rowsOf.set(model, [...(rowsOf.get(model) ?? []), ...rows])
  const related = (relation: ResolvedRelation, row: StorageRow): StorageRow[] => {
    const targets = rowsOf.get(relation.model) ?? []
    if (relation.kind === 'direct') {
      const local = row[relation.localField]
      return targets.filter(
        (t) => t['tenantId'] === row['tenantId'] && local != null && t[relation.relatedField] === local,
      )
    }
    const joins = (rowsOf.get(relation.through) ?? []).filter(
      (join) =>
        join[relation.throughFrom] === row['id'] &&
        Object.entries(relation.throughWhere).every(([field, value]) => join[field] === value),
    )
    return targets.filter((t) => joins.some((join) => join[relation.throughTo] === t['id']))
  }
  const evaluate = async (args: FindManyArgs) => {
    const all = await base.findMany({ model: args.model, tenantId: args.tenantId, schema: args.schema })
    const match = compileStorageFilter(args.where ?? { kind: 'const', value: true }, { related })
    return page(all.filter(match), args)
  }
  return {
    ...base,
    create: async (args) => {
      const row = await base.create(args)
      remember(args.model.name, [row])
      return row
    },
    createMany: async (args) => {
      const n = await base.createMany(args)
      remember(args.model.name, args.data)
      return n
    },
    findMany: (args) => (hasThrough(args.where) ? evaluate(args) : base.findMany(args)),
    count: async (args) => (hasThrough(args.where) ? (await evaluate(args)).length : base.count(args)),
  }
}

/** Order aggregation over a `findMany` that forgot the tenant: every tenant's orders are summed together. */
function tenantBlindOrderAggregation(): StorageAdapter {
  const base = createMemoryStorage()
  const tenants = new Set<string>()
  const track = <T extends ModelScope>(args: T): T => {
    tenants.add(args.tenantId)
    return args
  }
  const everyTenant = {
    findMany: async (args: FindManyArgs) => {
      const all = await Promise.all(
        [...tenants].map((tenantId) =>
          base.findMany({ ...args, tenantId, orderBy: undefined, limit: undefined, offset: undefined }),
        ),
      )
      return page(all.flat(), args)
    },
  }
  return {
    ...base,
    create: (args) => base.create(track(args)),
    createMany: (args) => base.createMany(track(args)),
    aggregateCustomerOrders: (args) => aggregateCustomerOrdersByScan(everyTenant, args),
  }
}

/**
 * An aggregation builder that cannot compile subqueries and quietly drops them: the `exists` an access scope puts on
 * orders ("orders of my own contacts") vanishes, and every tenant's customer is summed for every actor.
 */
function existsBlindOrderAggregation(): StorageAdapter {
  const base = createMemoryStorage()
  const blind = (ops: StorageOperations): StorageOperations => ({
    ...ops,
    aggregateCustomerOrders: (args) =>
      ops.aggregateCustomerOrders!({
        ...args,
        where: mapFilter(args.where, (node) =>
          node.kind === 'exists' ? { kind: 'const', value: true } : node,
        ),
      }),
  })
  return { ...base, ...blind(base), transaction: (fn) => base.transaction((tx) => fn(blind(tx))) }
}

/** The broken adapters, each with the suites that must catch it. */
const brokenAdapters: Record<string, { build(): StorageAdapter; caughtBy: readonly string[] }> = {
  '`lt` behaves as `lte`': {
    build: () =>
      rewriteFilters(createMemoryStorage(), (node) =>
        node.kind === 'compare' && node.op === 'lt' ? { ...node, op: 'lte' } : node,
      ),
    caughtBy: ['filters', 'json-paths'],
  },
  '`ne` drops null values': {
    build: () =>
      rewriteFilters(createMemoryStorage(), (node) =>
        node.kind === 'compare' && node.op === 'ne'
          ? { kind: 'and', filters: [node, { kind: 'isNull', ref: node.ref, isNull: false }] }
          : node,
      ),
    caughtBy: ['filters', 'json-paths'],
  },
  'case-insensitive text folds only the needle (SQL `LIKE lower(?)`)': {
    build: () =>
      rewriteFilters(createMemoryStorage(), (node) =>
        node.kind === 'text' && node.caseInsensitive
          ? { ...node, caseInsensitive: false, value: node.value.toLowerCase() }
          : node,
      ),
    caughtBy: ['filters'],
  },
  'rollback ignored: transaction() commits even when fn throws': {
    build: () => {
      const base = createMemoryStorage()
      return { ...base, transaction: (fn) => fn(base) }
    },
    caughtBy: ['transactions', 'events'],
  },
  'lost version check: updateById ignores guard': {
    build: () => {
      const base = createMemoryStorage()
      return { ...base, updateById: ({ guard: _ignored, ...args }) => base.updateById(args) }
    },
    caughtBy: ['concurrency'],
  },
  'cross-tenant leak: findMany without where reads every tenant': {
    build: () => {
      const base = createMemoryStorage()
      const tenants = new Set<string>()
      const track = <T extends ModelScope>(args: T): T => {
        tenants.add(args.tenantId)
        return args
      }
      return {
        ...base,
        create: (args) => base.create(track(args)),
        createMany: (args) => base.createMany(track(args)),
        findMany: async (args) => {
          if (args.where) return base.findMany(track(args))
          const all = await Promise.all([...tenants].map((tenantId) => base.findMany({ ...args, tenantId })))
          return all.flat()
        },
      }
    },
    caughtBy: ['tenancy', 'constraints'],
  },
  'datetime truncated to seconds': {
    build: () => {
      const base = createMemoryStorage()
      return {
        ...base,
        create: (args) => base.create({ ...args, data: truncateDates(args.data) }),
        createMany: (args) => base.createMany({ ...args, data: args.data.map(truncateDates) }),
        updateById: (args) => base.updateById({ ...args, data: truncateDates(args.data) }),
      }
    },
    caughtBy: ['crud', 'filters', 'ordering-and-pagination'],
  },
  'unique index not enforced': {
    build: () => {
      const base = createMemoryStorage()
      const strip = <T extends ModelScope>(args: T): T => ({
        ...args,
        model: { ...args.model, indexes: args.model.indexes.filter((index) => !index.unique) },
      })
      return {
        ...base,
        create: (args) => base.create(strip(args)),
        createMany: (args) => base.createMany(strip(args)),
        updateById: (args) => base.updateById(strip(args)),
        updateMany: (args) => base.updateMany(strip(args)),
        transaction: (fn) =>
          base.transaction((tx) => fn({ ...tx, create: (args) => tx.create(strip(args)) })),
      }
    },
    caughtBy: ['constraints', 'tenancy', 'bulk', 'transactions'],
  },
  'createMany is not atomic (row by row)': {
    build: () => {
      const base = createMemoryStorage()
      return {
        ...base,
        createMany: async (args) => {
          for (const data of args.data) await base.create({ ...args, data })
          return args.data.length
        },
      }
    },
    caughtBy: ['bulk'],
  },
  'soft-deleted rows returned by default (the live-rows filter on archivedAt is ignored)': {
    build: () =>
      rewriteFilters(createMemoryStorage(), (node) =>
        node.kind === 'isNull' && node.ref.field === 'archivedAt' && node.isNull
          ? { kind: 'const', value: true }
          : node,
      ),
    caughtBy: ['soft-delete'],
  },
  'trailing id sort key dropped': {
    build: () => {
      const base = createMemoryStorage()
      const trim = (orderBy: FindManyArgs['orderBy']) =>
        orderBy && orderBy.length > 1 && orderBy.at(-1)?.ref.field === 'id' ? orderBy.slice(0, -1) : orderBy
      return {
        ...base,
        findMany: ({ orderBy, ...args }) => base.findMany({ ...args, orderBy: trim(orderBy) }),
      }
    },
    caughtBy: ['ordering-and-pagination'],
  },
  '`nin` with more than 100 values falls back to three-valued NULL logic (`NOT IN`)': {
    build: () =>
      rewriteFilters(createMemoryStorage(), (node) => {
        if (node.kind !== 'in' || !node.negate || node.values.length <= 100) return node
        // SQL `x NOT IN (…)`: unknown (so false) when x is null, and never true when the list holds a null.
        if (node.values.includes(null)) return { kind: 'const', value: false }
        return { kind: 'and', filters: [node, { kind: 'isNull', ref: node.ref, isNull: false }] }
      }),
    caughtBy: ['filter-edges'],
  },
  'case-insensitive matching folds the needle with full Unicode (`toLowerCase()`), the value ASCII-only': {
    build: () =>
      rewriteFilters(createMemoryStorage(), (node) =>
        node.kind === 'text' && node.caseInsensitive ? { ...node, value: node.value.toLowerCase() } : node,
      ),
    caughtBy: ['filter-edges'],
  },
  'tenant dropped from exists through a join table': {
    build: tenantBlindThroughJoins,
    caughtBy: ['tenancy'],
  },
  'tenant dropped from order aggregation': {
    build: tenantBlindOrderAggregation,
    caughtBy: ['order-aggregation'],
  },
  'order aggregation drops the `exists` of an access scope': {
    build: existsBlindOrderAggregation,
    caughtBy: ['access'],
  },
  'nulls sort last ascending': {
    build: () => {
      const base = createMemoryStorage()
      return {
        ...base,
        findMany: async ({ orderBy, limit, offset, ...args }) => {
          if (!orderBy || orderBy.length === 0) return base.findMany({ ...args, orderBy, limit, offset })
          const rows = await base.findMany(args)
          const nullsLast = (value: StorageValue | undefined) =>
            value === null || value === undefined ? 1 : 0
          const compare = compareRows(orderBy)
          rows.sort((a, b) => {
            for (const key of orderBy) {
              const d = nullsLast(a[key.ref.field]) - nullsLast(b[key.ref.field])
              if (d !== 0) return d
            }
            return compare(a, b)
          })
          const start = offset ?? 0
          return rows.slice(start, limit === undefined ? undefined : start + limit)
        },
      }
    },
    caughtBy: ['ordering-and-pagination', 'json-paths'],
  },
}

/** The 40,000-row test takes seconds per run; every other test of the kit runs for every broken adapter. */
const options: Pick<RunConformanceOptions, 'skip'> = {
  skip: { 'bulk/createMany and in-lists beyond driver parameter limits': 'covered by memory.test.ts' },
}

async function run(storage: StorageAdapter) {
  await storage.migrations.apply(conformanceSchema)
  const report = await runConformance({ storage, ...options })
  const failedSuites = [...new Set(report.failed.map((failure) => failure.id.split('/')[0]))]
  return { report, failedSuites }
}

describe('the conformance kit catches broken adapters', () => {
  it('passes the unbroken memory adapter with the same options (control)', async () => {
    const { report } = await run(createMemoryStorage())
    expect(report.failed.map((f) => `${f.id}: ${String(f.error)}`)).toEqual([])
    expect(report.skipped).toEqual([
      {
        id: 'bulk/createMany and in-lists beyond driver parameter limits',
        reason: 'covered by memory.test.ts',
      },
    ])
    expect(report.passed.length).toBeGreaterThan(40)
    // The whole kit in one test: 4-6 s on 2 cores shared at load ~20, past vitest's 5 s default.
  }, 30_000)

  for (const [bug, { build, caughtBy }] of Object.entries(brokenAdapters)) {
    it(`catches: ${bug} (in ${caughtBy.join(', ')})`, async () => {
      const { report, failedSuites } = await run(build())
      expect(failedSuites).toEqual(expect.arrayContaining([...caughtBy]))
      for (const failure of report.failed) {
        // Failures are the kit's own assertions or the adapter's errors, never a crash of the kit itself.
        expect(failure.error).toBeInstanceOf(Error)
        expect((failure.error as Error).name).not.toMatch(/^(TypeError|ReferenceError|SyntaxError)$/)
      }
    })
  }
})
