import { accessFieldRights, checkWritableFields } from '../access/session-access.js'
import type { ValidationIssue } from '../errors/rapport-error.js'
import type { EntityContext } from './entity-behaviour.js'
import { hookRejected } from './entity-errors.js'
import { recordEvent } from './entity-events.js'
import { customFieldsOf } from './entity-fields.js'
import { hookContext, normalizeInput, pluginHooks } from './entity-hooks.js'
import { checkReferences } from './entity-references.js'
import { assertWrittenInScope, storageScope } from './entity-scope.js'
import { checkPayload, failValidation, validateRecord } from './record-validation.js'

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
): Promise<Record<string, unknown>[]> {
  const entity = ctx.entity
  const runtime = ctx.session.runtime
  for (const [i, input] of inputs.entries()) {
    checkPayload(entity.name, input, runtime.limits.maxRecordBytes, batch ? [i] : [])
  }
  return ctx.session.write(async (session) => {
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
    const { prepare, prepareMany } = ctx.behaviour
    if (prepareMany && records.length > 1) await prepareMany(records, session)
    for (const record of records) {
      if (!prepareMany || records.length === 1) await prepare?.(record, session, null)
      await checkReferences(ctx, session, record, null)
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
    for (const record of stored) {
      await ctx.behaviour.afterWrite?.(record, session, null)
      for (const h of hooks) await h.create?.after?.(record, hctx)
      session.queue(`${entity.name}.created`, recordEvent(ctx, session, record['id'] as string, { record }))
    }
    for (const h of hooks) await h.create?.afterMany?.(stored, hctx)
    return stored
  })
}
