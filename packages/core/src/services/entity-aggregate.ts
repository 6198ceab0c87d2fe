import * as z from 'zod'
import { accessFieldRights, fieldForbidden, unreadableFields } from '../access/session-access.js'
import { invalidFilter } from '../filter/filter-error.js'
import type { Filter } from '../filter/filter-types.js'
import type {
  AggregateGroupKey,
  AggregateMeasure,
  AggregateRowsArgs,
} from '../storage/grouped-aggregation.js'
import { aggregateRowsByScan, sortGroups } from '../storage/grouped-aggregation-scan.js'
import type { FieldRef } from '../storage/storage-filter.js'
import type { AggregateOptions, AggregateResult } from './aggregate-options.js'
import type { EntityContext } from './entity-behaviour.js'
import { filterTargetOf } from './entity-fields.js'
import { compileCallerFilter, hasExists, readFilters, storageScope } from './entity-scope.js'
import { failValidation, toIssues } from './record-validation.js'

const name = z.string().min(1).max(100)
const optionsSchema = z
  .object({
    where: z.unknown().optional(),
    includeArchived: z.boolean().optional(),
    groupBy: z
      .array(z.union([name, z.object({ name, cases: z.array(z.unknown()).min(1).max(32) }).strict()]))
      .max(4)
      .optional(),
    measures: z
      .record(
        name,
        z.union([z.object({ count: z.literal(true) }).strict(), z.object({ sum: name }).strict()]),
      )
      .refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 8, 'Between 1 and 8 measures'),
  })
  .strict()

/**
 * Grouped counts and sums of the records the caller may read, computed inside the database when the adapter can
 * (`capabilities.aggregation`), else by core's scan. Field names are checked against the entity and the caller's
 * field access (`FIELD_FORBIDDEN` for a hidden or masked field, as for sorting).
 */
export async function aggregateRecords(
  ctx: EntityContext,
  options: AggregateOptions,
): Promise<AggregateResult> {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) failValidation(ctx.entity.name, toIssues(parsed.error, ['options']))
  const opts = parsed.data
  const session = ctx.session
  return session.read(async (ops) => {
    const target = await filterTargetOf(ctx, session)
    const column = (field: string, path: (string | number)[], integer: boolean): FieldRef => {
      const ref = target.resolveField(field)
      if (!ref || ref.path || ref.array || ref.type === 'json' || (integer && ref.type !== 'integer')) {
        failValidation(ctx.entity.name, [
          {
            path: ['options', ...path],
            message: integer ? `Cannot sum "${field}": not an integer field` : `Cannot group by "${field}"`,
            code: 'invalid_value',
          },
        ])
      }
      return ref
    }
    const names: string[] = []
    const fields: string[] = []
    const groupBy: AggregateGroupKey[] = []
    for (const [i, key] of (opts.groupBy ?? []).entries()) {
      if (typeof key === 'string') {
        names.push(key)
        fields.push(key)
        groupBy.push({ kind: 'field', ref: column(key, ['groupBy', i], false) })
        continue
      }
      names.push(key.name)
      const cases = []
      for (const [j, filter] of key.cases.entries()) {
        const compiled = await compileCallerFilter(ctx, session, filter as Filter)
        if (hasExists(compiled))
          throw invalidFilter(`groupBy[${i}].cases[${j}]`, 'buckets cannot use exists or count')
        cases.push(compiled)
      }
      groupBy.push({ kind: 'case', cases })
    }
    if (new Set(names).size !== names.length) {
      failValidation(ctx.entity.name, [
        {
          path: ['options', 'groupBy'],
          message: 'Group keys must have distinct names',
          code: 'invalid_value',
        },
      ])
    }
    const measureNames = Object.keys(opts.measures)
    const measures = measureNames.map((m): AggregateMeasure => {
      const spec = opts.measures[m] as { count: true } | { sum: string }
      if ('count' in spec) return { kind: 'count' }
      fields.push(spec.sum)
      return { kind: 'sum', ref: column(spec.sum, ['measures', m, 'sum'], true) }
    })
    const hidden = unreadableFields(accessFieldRights(session, ctx.entity.name), fields)
    if (hidden.length > 0) throw fieldForbidden(ctx.entity.name, hidden, 'aggregate')
    const filters = await readFilters(
      ctx,
      session,
      opts.where as Filter | undefined,
      opts.includeArchived ?? false,
    )
    const args: AggregateRowsArgs = {
      ...storageScope(ctx, session),
      where: { kind: 'and', filters },
      groupBy,
      measures,
    }
    const native = session.runtime.storage.capabilities.aggregation === true && ops.aggregate !== undefined
    const rows = native ? await ops.aggregate!(args) : await aggregateRowsByScan(ops, args)
    return {
      groups: sortGroups([...rows]).map((row) => ({
        key: Object.fromEntries(names.map((n, i) => [n, row.keys[i] ?? null])),
        values: Object.fromEntries(measureNames.map((m, i) => [m, row.values[i] ?? 0])),
      })),
      source: native ? 'storage' : 'scan',
    }
  })
}
