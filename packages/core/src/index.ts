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
export {
  DEFAULT_FILTER_LIMITS,
  type FilterContext,
  type FilterLimits,
  type FilterTarget,
} from './filter/filter-target.js'
export type {
  BetweenCondition,
  CompareCondition,
  ExistsCondition,
  Filter,
  FilterDuration,
  FilterPlaceholder,
  FilterValue,
  ListCondition,
  NullCondition,
  TextCondition,
} from './filter/filter-types.js'
