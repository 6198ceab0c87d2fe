import * as z from 'zod'
import {
  accessFieldRights,
  fieldForbidden,
  projectRecord,
  unreadableFields,
} from '../access/session-access.js'
import type { Filter } from '../filter/filter-types.js'
import type { StorageOrderBy, StorageRow } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { filterTargetOf } from './entity-fields.js'
import { isExactRecord, readFilters, storageScope } from './entity-scope.js'
import { afterCursor, decodeCursor, encodeCursor } from './keyset-cursor.js'
import type { CountOptions, ListOptions, Page } from './list-options.js'
import { failValidation, toIssues } from './record-validation.js'

const listOptionsSchema = z
  .object({
    where: z.unknown().optional(),
    orderBy: z
      .array(
        z
          .object({ field: z.string().min(1).max(200), direction: z.enum(['asc', 'desc']).optional() })
          .strict(),
      )
      .max(8)
      .optional(),
    limit: z.int().min(1).optional(),
    cursor: z.string().max(4096).nullable().optional(),
    includeArchived: z.boolean().optional(),
  })
  .strict()

const countOptionsSchema = z
  .object({ where: z.unknown().optional(), includeArchived: z.boolean().optional() })
  .strict()

const LIST_OPTION_KEYS = new Set(['where', 'orderBy', 'limit', 'cursor', 'includeArchived'])

/**
 * Whether `options` is a plain object that {@link listOptionsSchema} accepts as it is (the common shapes: a filter,
 * up to 8 sort keys, a whole limit, a cursor). Those skip zod; anything else, including any error, takes the schema,
 * so a malformed option still gets the schema's own typed issues.
 */
function plainListOptions(options: unknown): options is ListOptions {
  if (options === null || typeof options !== 'object' || Object.getPrototypeOf(options) !== Object.prototype)
    return false
  for (const key in options) if (!LIST_OPTION_KEYS.has(key)) return false
  const o = options as Record<string, unknown>
  if (o['limit'] !== undefined && !(Number.isSafeInteger(o['limit']) && (o['limit'] as number) >= 1))
    return false
  const cursor = o['cursor']
  if (cursor !== undefined && cursor !== null && !(typeof cursor === 'string' && cursor.length <= 4096))
    return false
  if (o['includeArchived'] !== undefined && typeof o['includeArchived'] !== 'boolean') return false
  const orderBy = o['orderBy']
  if (orderBy === undefined) return true
  if (!Array.isArray(orderBy) || orderBy.length > 8) return false
  for (const key of orderBy as unknown[]) {
    if (key === null || typeof key !== 'object' || Object.getPrototypeOf(key) !== Object.prototype)
      return false
    for (const name in key) if (name !== 'field' && name !== 'direction') return false
    const { field, direction } = key as Record<string, unknown>
    if (typeof field !== 'string' || field.length < 1 || field.length > 200) return false
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') return false
  }
  return true
}

/** The list options, checked: the plain common shapes as they are, anything else through zod. */
function parseListOptions(entity: string, options: ListOptions): z.output<typeof listOptionsSchema> {
  try {
    if (plainListOptions(options)) return options as z.output<typeof listOptionsSchema>
  } catch {
    // A throwing getter or a Proxy: the schema reads it again and reports it as zod does.
  }
  const parsed = listOptionsSchema.safeParse(options)
  if (!parsed.success) failValidation(entity, toIssues(parsed.error, ['options']))
  return parsed.data
}

/**
 * One page of records with a keyset cursor. The ordering always ends with `id` (in the direction of the last key),
 * so it is total and a cursor resumes exactly after the last row; one extra row is read to know `hasMore`.
 */
export async function listPage(
  ctx: EntityContext,
  options: ListOptions,
): Promise<Page<Record<string, unknown>>> {
  const opts = parseListOptions(ctx.entity.name, options)
  const limits = ctx.session.runtime.limits
  const limit = opts.limit ?? limits.defaultPageSize
  if (limit > limits.maxPageSize) {
    failValidation(ctx.entity.name, [
      {
        path: ['options', 'limit'],
        message: `At most ${limits.maxPageSize} records per page`,
        code: 'too_big',
      },
    ])
  }
  const session = ctx.session
  return session.read(async (ops) => {
    const target = await filterTargetOf(ctx, session)
    const orderBy: StorageOrderBy[] = (opts.orderBy ?? []).map((o, i) => {
      const ref = target.resolveField(o.field)
      if (!ref || ref.array || ref.type === 'json') {
        failValidation(ctx.entity.name, [
          {
            path: ['options', 'orderBy', i, 'field'],
            message: `Cannot sort by "${o.field}"`,
            code: 'invalid_value',
          },
        ])
      }
      return { ref, direction: o.direction ?? 'asc' }
    })
    // Once per page: the sort check and the masking below share the actor's field rights.
    const rights = accessFieldRights(session, ctx.entity.name)
    if (opts.orderBy && opts.orderBy.length > 0) {
      const hiddenSorts = unreadableFields(
        rights,
        opts.orderBy.map((o) => o.field),
      )
      if (hiddenSorts.length > 0) throw fieldForbidden(ctx.entity.name, hiddenSorts, 'sort by')
    }
    if (!orderBy.some((o) => o.ref.field === 'id' && !o.ref.path)) {
      orderBy.push({ ref: { field: 'id', type: 'string' }, direction: orderBy.at(-1)?.direction ?? 'asc' })
    }
    const filters = await readFilters(
      ctx,
      session,
      opts.where as Filter | undefined,
      opts.includeArchived ?? false,
    )
    if (opts.cursor) filters.push(afterCursor(orderBy, decodeCursor(opts.cursor, orderBy)))
    const entity = ctx.entity
    // The records and the cursor are all a page reads; a sort by a field no record shows needs the whole row.
    const projected = orderBy.every((o) => entity.recordFields.includes(o.ref.field))
    const rows: StorageRow[] = await ops.findMany({
      ...storageScope(ctx, session),
      where: { kind: 'and', filters },
      orderBy,
      limit: limit + 1,
      ...(projected ? { fields: entity.recordFields } : {}),
    })
    const hasMore = rows.length > limit
    const count = hasMore ? limit : rows.length
    const last = rows[count - 1]
    const rowIsRecord = projected && isExactRecord(ctx)
    const items = new Array<Record<string, unknown>>(count)
    // The rows are this call's own (fresh from the adapter or the decoder), so masking edits them.
    for (let i = 0; i < count; i++) {
      const row = rows[i] as StorageRow
      items[i] = projectRecord(rowIsRecord ? row : entity.fromRow(row), rights, true)
    }
    return {
      items,
      nextCursor: hasMore && last ? encodeCursor(last, orderBy) : null,
      hasMore,
    }
  })
}

/** How many records match `where` (archived ones only with `includeArchived`), within the caller's scope. */
export async function countRecords(ctx: EntityContext, options: CountOptions): Promise<number> {
  const parsed = countOptionsSchema.safeParse(options)
  if (!parsed.success) failValidation(ctx.entity.name, toIssues(parsed.error, ['options']))
  const session = ctx.session
  return session.read(async (ops) => {
    const filters = await readFilters(
      ctx,
      session,
      parsed.data.where as Filter | undefined,
      parsed.data.includeArchived ?? false,
    )
    return ops.count({ ...storageScope(ctx, session), where: { kind: 'and', filters } })
  })
}
