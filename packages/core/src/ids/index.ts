/**
 * `@rapport/core/ids`: prefixed, time-ordered record ids (`con_01J…`).
 *
 * @example
 * ```ts
 * import { createIdGenerator, ID_PATTERN } from '@rapport/core/ids'
 *
 * const nextId = createIdGenerator()
 * const id = nextId('con', new Date())
 * ID_PATTERN.test(id) // true
 * ```
 *
 * @module
 */

export { createIdGenerator, ID_PATTERN } from './create-id.js'
