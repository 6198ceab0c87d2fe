/**
 * The stable error codes of `@rapport/core`. Codes never change meaning once published; hosts can branch on them.
 *
 * @example
 * ```ts
 * if (isRapportError(err) && err.code === RapportErrorCodes.VERSION_CONFLICT) retry()
 * ```
 */
export const RapportErrorCodes = {
  /** Input failed schema validation; `details.issues` lists each failing field. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The record does not exist in this tenant (or is invisible to the caller). */
  NOT_FOUND: 'NOT_FOUND',
  /** The caller's `expectedVersion` is stale: somebody else wrote first. */
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  /** A unique constraint (always per tenant) would be violated. */
  UNIQUE_VIOLATION: 'UNIQUE_VIOLATION',
  /** A referenced record is missing, or a delete is restricted by references. */
  CONSTRAINT_VIOLATION: 'CONSTRAINT_VIOLATION',
  /** A filter tree is malformed, too deep, too large or names an unknown field. */
  INVALID_FILTER: 'INVALID_FILTER',
  /** A pagination cursor is malformed or belongs to another query. */
  INVALID_CURSOR: 'INVALID_CURSOR',
  /** A state-machine transition is not allowed (pipelines, lifecycles, statuses). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** The actor may not perform the operation. */
  FORBIDDEN: 'FORBIDDEN',
  /** The actor may not read, filter, sort, search, aggregate or write the named fields (`details.fields`). */
  FIELD_FORBIDDEN: 'FIELD_FORBIDDEN',
  /** A payload exceeds a configured size limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A plugin rejected the operation in a `before` hook. */
  HOOK_REJECTED: 'HOOK_REJECTED',
  /** A plugin is misconfigured (duplicate id, conflicting schema, unknown dependency). */
  PLUGIN_ERROR: 'PLUGIN_ERROR',
  /** The configuration passed to `createCrm` or an adapter factory is invalid. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** The storage is busy (locked database, exhausted pool) beyond the retry budget. */
  STORAGE_BUSY: 'STORAGE_BUSY',
  /** The storage schema is missing or older than this library expects; run `crm.migrate()`. */
  SCHEMA_OUTDATED: 'SCHEMA_OUTDATED',
  /** Any other storage failure; the driver error is attached as `cause`. */
  STORAGE_FAILURE: 'STORAGE_FAILURE',
} as const

/** One of the built-in error codes, or a plugin's own `PLUGINID_CODE`. */
export type RapportErrorCode = keyof typeof RapportErrorCodes | (string & {})
