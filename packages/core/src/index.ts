/**
 * `@rapport/core`: the domain model, services, filter language, storage port, events and plugins of Rapport.
 *
 * @packageDocumentation
 */
export { type RapportErrorCode, RapportErrorCodes } from './errors/error-codes.js'
export {
  isRapportError,
  RapportError,
  type RapportErrorOptions,
  type ValidationIssue,
} from './errors/rapport-error.js'
