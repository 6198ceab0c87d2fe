import { accessFieldRights, checkWritableFields } from '../access/session-access.js'
import type { WriteOrigin } from '../crm/write-origin.js'
import { parseWriteOrigin } from '../crm/write-origin.js'
import type { ValidationIssue } from '../errors/rapport-error.js'
import { RapportError } from '../errors/rapport-error.js'
import type { EntityContext } from './entity-behaviour.js'
import { hookRejected } from './entity-errors.js'
import { recordEvent } from './entity-events.js'
import { customFieldsOf } from './entity-fields.js'
import { hookContext, normalizeInput, pluginHooks } from './entity-hooks.js'
import { checkReferences, checkReferencesMany } from './entity-references.js'
import { assertWrittenInScope, storageScope } from './entity-scope.js'
import type { CreateManyOptions } from './list-options.js'
import { checkPayload, failValidation, validateRecord } from './record-validation.js'

/**
 * Each item's own write origin (`options.originOf`), checked before anything runs (`INVALID_CONFIG`, as
 * `crm.scoped({ origin })`); `undefined` when no item has one.
 */
function itemOrigins(
  inputs: readonly unknown[],
  options: CreateManyOptions,
): (WriteOrigin | undefined)[] | undefined {
  const originOf = options.originOf
  if (originOf === undefined) return undefined
  if (typeof originOf !== 'function')
    throw new RapportError('INVALID_CONFIG', 'createMany: originOf must be a function')
  const origins = inputs.map((_, i) => {
    const origin = originOf(i)
    return origin === undefined ? undefined : parseWriteOrigin(origin)
  })
  return origins.some((o) => o !== undefined) ? origins : undefined
}

/**
 * Creates records in one transaction: every input is validated (and passed through the plugins' `before` hooks)
 * first, so one bad input writes nothing. All rows are written with one `createMany`; `batch` reports issues by
 * index, otherwise there is exactly one input. Each record's `after` hooks run in turn, then each plugin's
 * `afterMany` once with the whole batch.
 */
export async function createRecords(
  ctx: EntityContext,
  inputs: readonly unknown[],
  batch: boolean,
  options: CreateManyOptions = {},
): Promise<Record<string, unknown>[]> {
  const entity = ctx.entity
  const runtime = ctx.session.runtime
  for (const [i, input] of inputs.entries()) {
    checkPayload(entity.name, input, runtime.limits.maxRecordBytes, batch ? [i] : [])
  }
  const origins = itemOrigins(inputs, options)
  return ctx.session.write(async (session) => {
    const itemSessions = origins?.map((origin) =>
      origin === undefined ? session : session.joined(session.actor, origin),
    )
    const customFields = await customFieldsOf(ctx, session)
    const hctx = hookContext(ctx, session)
    const hooks = pluginHooks(ctx)
    const rights = accessFieldRights(session, entity.name)
    for (const input of inputs) {
      if (input && typeof input === 'object')
        checkWritableFields(entity.name, rights, input as Record<string, unknown>)
    }
    const issues: ValidationIssue[] = []
    const values: Record<string, unknown>[] = []
    for (const [i, input] of inputs.entries()) {
      const prefix = batch ? [i] : []
      let result = validateRecord(
        entity,
        normalizeInput(ctx, input, 'create', hooks) as Record<string, unknown>,
        customFields,
        prefix,
      )
      if (result.issues.length === 0) {
        for (const h of hooks) {
          const outcome = await h.create?.before?.(result.value, hctx)
          if (outcome === false) throw hookRejected(entity.name, 'create')
          if (outcome && typeof outcome === 'object') {
            result = validateRecord(
              entity,
              normalizeInput(ctx, outcome.data, 'create', hooks) as Record<string, unknown>,
              customFields,
              prefix,
            )
            if (result.issues.length > 0) break
          }
        }
      }
      issues.push(...result.issues)
      values.push(result.value)
    }
    if (issues.length > 0) failValidation(entity.name, issues)
    const now = runtime.clock()
    const records = values.map((value) => ({
      ...value,
      id: runtime.nextId(entity.model.idPrefix, now),
      tenantId: session.tenantId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      archivedAt: null,
    }))
    const { prepare, prepareMany, afterCreateMany } = ctx.behaviour
    if (records.length === 1) {
      await prepare?.(records[0] as Record<string, unknown>, session, null)
      await checkReferences(ctx, session, records[0] as Record<string, unknown>, null)
    } else {
      if (prepareMany) await prepareMany(records, session)
      else for (const record of records) await prepare?.(record, session, null)
      await checkReferencesMany(ctx, session, records)
    }
    // One createMany whatever the count: core wrote every column of each row, so the stored record is the row it
    // wrote (no RETURNING to read back and decode), and create and createMany return the same record.
    const rows = records.map((r) => entity.toRow(r))
    await session.ops.createMany({ ...storageScope(ctx, session), data: rows })
    const stored = rows.map((row) => entity.fromRow(row))
    await assertWrittenInScope(
      ctx,
      session,
      stored.map((r) => r['id'] as string),
      'create',
    )
    if (afterCreateMany && stored.length > 1) await afterCreateMany(stored, session)
    for (const [i, record] of stored.entries()) {
      // An item with its own origin is its own unit of work in the transaction (as `scoped({ transaction })`):
      // its hooks and `beforeCommit` see its event with that origin.
      const own = itemSessions?.[i] ?? session
      if (!afterCreateMany || stored.length === 1) await ctx.behaviour.afterWrite?.(record, own, null)
      const itemHctx = own === session ? hctx : hookContext(ctx, own)
      for (const h of hooks) await h.create?.after?.(record, itemHctx)
      own.queue(`${entity.name}.created`, recordEvent(ctx, own, record['id'] as string, { record }))
    }
    for (const h of hooks) await h.create?.afterMany?.(stored, hctx)
    return stored
  })
}
