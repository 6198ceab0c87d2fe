import * as z from 'zod'
import { accessFieldRights, fieldForbidden, unreadableFields } from '../access/session-access.js'
import type { Filter } from '../filter/filter-types.js'
import type { StorageOrderBy, StorageRow } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { filterTargetOf } from './entity-fields.js'
import { isExactRecord, readFilters, storageScope, visibleRecord } from './entity-scope.js'
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

/**
 * One page of records with a keyset cursor. The ordering always ends with `id` (in the direction of the last key),
 * so it is total and a cursor resumes exactly after the last row; one extra row is read to know `hasMore`.
 */
export async function listPage(
  ctx: EntityContext,
  options: ListOptions,
): Promise<Page<Record<string, unknown>>> {
  const parsed = listOptionsSchema.safeParse(options)
  if (!parsed.success) failValidation(ctx.entity.name, toIssues(parsed.error, ['options']))
  const opts = parsed.data
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
    const hiddenSorts = unreadableFields(
      accessFieldRights(session, ctx.entity.name),
      (opts.orderBy ?? []).map((o) => o.field),
    )
    if (hiddenSorts.length > 0) throw fieldForbidden(ctx.entity.name, hiddenSorts, 'sort by')
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
    for (let i = 0; i < count; i++) {
      const row = rows[i] as StorageRow
      items[i] = visibleRecord(ctx, session, rowIsRecord ? row : entity.fromRow(row))
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
