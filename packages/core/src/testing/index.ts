/**
 * `@rapport/core/testing`: the in-memory adapter and the storage conformance kit (being built).
 *
 * @module
 */
export {}
