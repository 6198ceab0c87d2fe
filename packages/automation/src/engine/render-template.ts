import type { ValidationIssue } from '@rapport/core/errors'
import type { FieldCatalog } from '../conditions/field-catalog.js'

/** Any `{{ … }}` placeholder; only `{{record.<path>}}` is defined. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g
const RECORD_PATH = /^\s*record\.([A-Za-z0-9_.]+)\s*$/

/** Replaces `{{record.path}}` placeholders with values of the record (dates as ISO-8601, missing as ""). */
export function renderTemplate(template: string, record: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (whole, inner: string) => {
    const match = RECORD_PATH.exec(inner)
    if (!match) return whole
    let value: unknown = record
    for (const key of match[1]!.split('.')) {
      value =
        typeof value === 'object' && value !== null && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined
    }
    if (value === null || value === undefined) return ''
    if (value instanceof Date) return value.toISOString()
    return typeof value === 'object' ? JSON.stringify(value) : String(value)
  })
}

/** Renders every string inside a JSON-like value (arrays and plain objects walked), e.g. `emitEvent` data. */
export function renderTemplates(value: unknown, record: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return renderTemplate(value, record)
  if (Array.isArray(value)) return value.map((v) => renderTemplates(v, record))
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplates(v, record)]))
  }
  return value
}

/**
 * Checks every placeholder in the strings of `value` (walked like {@link renderTemplates}) at registration: each must
 * be `{{record.<path>}}` with a path the entity has. `{{body.product}}` or `{{record.nmae}}` would otherwise render
 * literally or as "" on every run.
 */
export function checkTemplates(
  value: unknown,
  catalog: FieldCatalog,
  path: readonly (string | number)[],
  issues: ValidationIssue[],
): void {
  if (typeof value === 'string') {
    for (const [whole, inner] of value.matchAll(PLACEHOLDER)) {
      const match = RECORD_PATH.exec(inner!)
      if (!match) {
        issues.push({
          path,
          message: `Unknown placeholder ${whole}; templates may only use {{record.<field>}}`,
          code: 'invalid_value',
        })
      } else if (!catalog.resolve(match[1]!)) {
        issues.push({
          path,
          message: `Unknown placeholder ${whole}: ${catalog.entity} has no field "${match[1]}"`,
          code: 'unknown_field',
        })
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkTemplates(v, catalog, [...path, i], issues)
    })
  } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, catalog, [...path, k], issues)
  }
}
