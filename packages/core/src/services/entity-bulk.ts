import type { ValidationIssue } from '../errors/rapport-error.js'
import { isRapportError, RapportError } from '../errors/rapport-error.js'
import type { EntityContext } from './entity-behaviour.js'
import { parsePatch, updateRecords } from './entity-update.js'
import { parseWriteOptions } from './entity-versioning.js'
import type { UpdateManyItem } from './list-options.js'
import { checkPayload, failValidation } from './record-validation.js'

/** Checks a `createMany` batch: an array of at most `maxBatchSize` inputs. */
export function checkCreateBatch(ctx: EntityContext, inputs: readonly unknown[]): void {
  if (!Array.isArray(inputs))
    failValidation(ctx.entity.name, [{ path: [], message: 'Expected an array', code: 'invalid_type' }])
  const limit = ctx.session.runtime.limits.maxBatchSize
  if (inputs.length > limit) {
    throw new RapportError('PAYLOAD_TOO_LARGE', `createMany accepts at most ${limit} records`, {
      details: { entity: ctx.entity.name, size: inputs.length, limit },
    })
  }
}

/**
 * Applies many updates in one transaction. Every item is validated first (issues are reported by index), so one
 * bad item writes nothing; any failure while writing rolls all of them back.
 */
export async function updateMany(
  ctx: EntityContext,
  items: readonly UpdateManyItem<unknown>[],
): Promise<Record<string, unknown>[]> {
  const name = ctx.entity.name
  const limits = ctx.session.runtime.limits
  if (!Array.isArray(items))
    failValidation(name, [{ path: [], message: 'Expected an array', code: 'invalid_type' }])
  if (items.length > limits.maxBatchSize) {
    throw new RapportError('PAYLOAD_TOO_LARGE', `updateMany accepts at most ${limits.maxBatchSize} items`)
  }
  const issues: ValidationIssue[] = []
  const parsed = items.map((item, i) => {
    if (item === null || typeof item !== 'object' || typeof item.id !== 'string') {
      issues.push({ path: [i], message: 'Expected { id, patch, expectedVersion? }', code: 'invalid_type' })
      return null
    }
    checkPayload(name, item.patch, limits.maxRecordBytes, [i, 'patch'])
    try {
      return {
        id: item.id,
        patch: parsePatch(ctx, item.patch as Record<string, unknown>, [i, 'patch']),
        expectedVersion: parseWriteOptions(ctx, {
          ...(item.expectedVersion === undefined ? {} : { expectedVersion: item.expectedVersion }),
        }).expectedVersion,
      }
    } catch (error) {
      if (isRapportError(error, 'VALIDATION_FAILED')) issues.push(...error.issues)
      else throw error
      return null
    }
  })
  if (issues.length > 0) failValidation(name, issues)
  return ctx.session.write((session) =>
    updateRecords(
      ctx,
      session,
      parsed.filter((item) => item !== null),
    ),
  )
}
