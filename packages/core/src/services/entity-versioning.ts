import * as z from 'zod'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { versionConflict } from './entity-errors.js'
import type { WriteOptions } from './list-options.js'
import { failValidation, toIssues } from './record-validation.js'

/** How many times an update without `expectedVersion` re-reads and retries after losing a race. */
export const MAX_UNVERSIONED_RETRIES = 5

const writeOptionsSchema = z.object({ expectedVersion: z.int().min(1).optional() }).strict()

/** Validates `{ expectedVersion? }`; anything else is `VALIDATION_FAILED` under `options`. */
export function parseWriteOptions(ctx: EntityContext, options: WriteOptions): WriteOptions {
  const parsed = writeOptionsSchema.safeParse(options ?? {})
  if (!parsed.success) failValidation(ctx.entity.name, toIssues(parsed.error, ['options']))
  return parsed.data.expectedVersion === undefined ? {} : { expectedVersion: parsed.data.expectedVersion }
}

/** Throws `VERSION_CONFLICT` when the caller expected another version than the one read. */
export function checkVersion(
  ctx: EntityContext,
  id: string,
  record: Record<string, unknown>,
  expectedVersion: number | undefined,
): void {
  if (expectedVersion !== undefined && record['version'] !== expectedVersion) {
    throw versionConflict(ctx.entity.name, id, expectedVersion, record['version'] as number)
  }
}

/**
 * The compare-and-set guard of a write: the row must still have the version that was read (and still be inside
 * the caller's write scope), so a concurrent write makes this one match nothing instead of overwriting it.
 */
export function versionGuard(version: number, scope: StorageFilter | null): StorageFilter {
  const guard: StorageFilter = {
    kind: 'compare',
    ref: { field: 'version', type: 'integer' },
    op: 'eq',
    value: version,
  }
  return scope ? { kind: 'and', filters: [guard, scope] } : guard
}
