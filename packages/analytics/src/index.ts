/**
 * `@rapport/analytics`: pure customer analytics over plain arrays. No I/O and no dependency on the rest of Rapport.
 * Import a single family through its subpath (`@rapport/analytics/clv`) to keep bundles small.
 *
 * @packageDocumentation
 */
export * from './attribution/index.js'
export * from './churn/index.js'
export * from './clv/index.js'
export * from './cross-sell/index.js'
export * from './experiments/index.js'
export * from './pipeline/index.js'
export * from './rfm/index.js'
export * from './scoring/index.js'
