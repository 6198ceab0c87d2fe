/**
 * `@rapport/core/errors`: the stable error codes of core and the shapes an error carries. `RapportError` and
 * `isRapportError` themselves come from the package root.
 *
 * @example
 * ```ts
 * import { isRapportError } from '@rapport/core'
 * import { RapportErrorCodes } from '@rapport/core/errors'
 *
 * try {
 *   await crm.contacts.get('con_missing')
 * } catch (error) {
 *   if (isRapportError(error) && error.code === RapportErrorCodes.NOT_FOUND) console.log('no such contact')
 * }
 * ```
 *
 * @module
 */

export { RapportErrorCodes } from './error-codes.js'
export type { RapportErrorOptions, ValidationIssue } from './rapport-error.js'
