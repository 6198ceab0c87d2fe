/**
 * `@rapport/core/access`: the access-control port. A plugin offers an {@link AccessPolicy} as `CrmPlugin.access`; every
 * service path consults it (reads, related lists, `exists`, aggregates, link targets, creates, updates, deletes).
 *
 * @example
 * ```ts
 * import type { AccessPolicy } from '@rapport/core/access'
 *
 * const ownRecordsOnly: AccessPolicy = {
 *   scope: ({ actor }) => (actor ? { field: 'ownerId', op: 'eq', value: actor.id } : { or: [] }),
 * }
 * ```
 *
 * @module
 */

export type { AccessAction, AccessPolicy, AccessRequest, FieldRights } from './access-policy.js'
