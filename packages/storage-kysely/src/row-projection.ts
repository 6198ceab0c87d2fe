import type { ColumnMapping, ModelMapping } from './model-mapping.js'

/**
 * The columns one read selects and decodes: every column of the model, or the subset holding the fields a caller
 * said it reads (`FindManyArgs.fields`), in the model's column order. Derived columns a record never shows (a
 * contact's search terms, its lower-cased email addresses) are then neither copied out of the database nor parsed.
 */
export interface RowProjection {
  /** The selected columns, in the order of `ModelMapping.columns`. */
  readonly columns: readonly ColumnMapping[]
  /** True when every column is selected (`select "_t".*`). */
  readonly all: boolean
}

interface ProjectionCache {
  readonly all: RowProjection
  /** By the caller's array (core passes one array per entity, so this is the hit on the hot path). */
  readonly byArray: WeakMap<readonly string[], RowProjection>
  /** By the fields' text, for callers that build a fresh array per call. */
  readonly byText: Map<string, RowProjection>
}

const caches = new WeakMap<ModelMapping, ProjectionCache>()

/**
 * The projection of `fields` on a model, computed once per field list: all columns when `fields` is absent, names a
 * field the model lacks (the adapter cannot tell what the caller meant, so it reads everything), or covers every
 * column anyway.
 *
 * @example
 * ```ts
 * const { columns, all } = rowProjection(mapping, ['id', 'firstName'])
 * ```
 */
export function rowProjection(mapping: ModelMapping, fields: readonly string[] | undefined): RowProjection {
  let cache = caches.get(mapping)
  if (!cache) {
    cache = {
      all: Object.freeze({ columns: mapping.columns, all: true }),
      byArray: new WeakMap(),
      byText: new Map(),
    }
    caches.set(mapping, cache)
  }
  if (fields === undefined) return cache.all
  const hit = cache.byArray.get(fields)
  if (hit) return hit
  const text = fields.join('\u0000')
  let projection = cache.byText.get(text)
  if (!projection) {
    const wanted = new Set(fields)
    const known = [...wanted].every((field) => mapping.byField.has(field))
    const columns = mapping.columns.filter((c) => wanted.has(c.field))
    projection =
      !known || columns.length === mapping.columns.length
        ? cache.all
        : Object.freeze({ columns: Object.freeze(columns), all: false })
    // Bounded: field lists come from entity declarations, but a caller could build them from input.
    if (cache.byText.size >= 256) cache.byText.delete(cache.byText.keys().next().value as string)
    cache.byText.set(text, projection)
  }
  cache.byArray.set(fields, projection)
  return projection
}
