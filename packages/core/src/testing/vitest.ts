/**
 * `@rapport/core/testing/vitest`: the vitest binding of the conformance kit (being built).
 *
 * @module
 */
export {}
