import type * as z from 'zod'
import type { CustomFieldDefinition } from '../custom-fields/custom-field-definition.js'
import { validateCustomValues } from '../custom-fields/custom-field-values.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import type { ValidationIssue } from '../errors/rapport-error.js'
import { RapportError } from '../errors/rapport-error.js'
import { findObjectsReplacedByShapes, findUnstorableValues } from '../storage/storable-value.js'

/** Converts zod issues to Rapport's issue shape, with an optional path prefix (e.g. the index in a batch). */
export function toIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    message: issue.message,
    code: issue.code,
  }))
}

/** Throws `VALIDATION_FAILED` listing every issue. */
export function failValidation(entity: string, issues: readonly ValidationIssue[]): never {
  const first = issues[0]
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : ''
  throw new RapportError(
    'VALIDATION_FAILED',
    `Invalid ${entity}${where}: ${first?.message ?? 'invalid input'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    { details: { entity, issues } },
  )
}

/**
 * Rejects payloads over the size limit before any parsing work, non-objects outright, and values no adapter may
 * store differently (NUL, lone surrogates, dates outside 0000–9999, `__proto__` keys), so every adapter answers
 * `VALIDATION_FAILED` the same way.
 */
export function checkPayload(
  entity: string,
  input: unknown,
  maxBytes: number,
  path: (string | number)[] = [],
): void {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    failValidation(entity, [{ path, message: 'Expected an object', code: 'invalid_type' }])
  }
  let size: number
  try {
    size = jsonLength(input)
  } catch (cause) {
    throw new RapportError('VALIDATION_FAILED', `Invalid ${entity}: the input is not serialisable`, {
      cause,
      details: { entity, issues: [{ path, message: 'Not serialisable (circular?)', code: 'invalid_type' }] },
    })
  }
  if (size > maxBytes) {
    throw new RapportError(
      'PAYLOAD_TOO_LARGE',
      `The ${entity} input is ${size} bytes; the limit is ${maxBytes}`,
      {
        details: { entity, size, limit: maxBytes, path },
      },
    )
  }
  const unstorable = findUnstorableValues(input, path)
  if (unstorable.length > 0) failValidation(entity, unstorable)
}

/**
 * The length of the input as JSON, bigints written as their digits. Plain `JSON.stringify` first: a replacer
 * function makes V8 leave its fast serialiser, and only an input holding a bigint (which plain stringify refuses)
 * needs it. Throws on what cannot be serialised (a cycle).
 */
function jsonLength(input: unknown): number {
  try {
    return JSON.stringify(input).length
  } catch {
    return JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).length
  }
}

/**
 * Validates a complete domain record (after defaults and merges): the zod shape, custom fields and the entity's
 * cross-field rules. Returns the parsed record or the issues.
 */
export function validateRecord(
  entity: ResolvedEntity,
  data: Record<string, unknown>,
  customFields: readonly CustomFieldDefinition[],
  prefix: readonly (string | number)[] = [],
): { value: Record<string, unknown>; issues: ValidationIssue[] } {
  const parsed = entity.createSchema.safeParse(data)
  if (!parsed.success) return { value: data, issues: toIssues(parsed.error, prefix) }
  const value = parsed.data as Record<string, unknown>
  const issues: ValidationIssue[] = [...findObjectsReplacedByShapes(data, value, prefix)]
  if (entity.hasCustom) {
    const custom = validateCustomValues((value['custom'] as Record<string, unknown>) ?? {}, customFields)
    value['custom'] = custom.value
    issues.push(...custom.issues.map((i) => ({ ...i, path: [...prefix, ...i.path] })))
  }
  for (const issue of entity.definition.validate?.(value) ?? []) {
    issues.push({ ...issue, path: [...prefix, ...issue.path] })
  }
  return { value, issues }
}
