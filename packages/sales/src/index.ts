/**
 * `@rapport/sales`: sales documents on Rapport's plugin API. The root exports the error table and `stagedLifecycle`
 * (one declaration of a document's statuses, moves and default pipeline); each concept has its own subpath (`@rapport/sales/money`, ...).
 *
 * @example
 * ```ts
 * import { isRapportError } from '@rapport/core'
 * import { SalesErrorCodes } from '@rapport/sales'
 * import { calculateDocument } from '@rapport/sales/money'
 *
 * try {
 *   calculateDocument({ currency: 'EUR', lines: [{ quantity: '-1', unitPriceMinor: 100 }] })
 * } catch (error) {
 *   if (isRapportError(error) && error.code === SalesErrorCodes.NEGATIVE_QUANTITY) console.log(error.details)
 * }
 * ```
 *
 * @module
 */
export { type SalesErrorCode, SalesErrorCodes, salesError } from './errors.js'
export { type LifecycleStage, type StagedLifecycle, stagedLifecycle } from './lifecycle/staged-lifecycle.js'
