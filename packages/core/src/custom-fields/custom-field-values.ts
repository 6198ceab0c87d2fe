import * as z from 'zod'
import type { ValidationIssue } from '../errors/rapport-error.js'
import type { FieldRef } from '../storage/storage-filter.js'
import type { CustomFieldDefinition } from './custom-field-definition.js'

const e164 = /^\+[1-9]\d{4,14}$/

// Compiled once per definition object. The tenant's definitions are cached by the runtime and replaced (new objects)
// whenever a field is defined, changed or removed, so a definition's identity is its version: a stale schema is
// never used, and a row no longer compiles zod schemas (the import's top cost before this cache).
const compiled = new WeakMap<CustomFieldDefinition, z.ZodType>()

function valueSchema(def: CustomFieldDefinition): z.ZodType {
  let schema = compiled.get(def)
  if (!schema) {
    schema = buildValueSchema(def)
    compiled.set(def, schema)
  }
  return schema
}

function buildValueSchema(def: CustomFieldDefinition): z.ZodType {
  switch (def.type) {
    case 'text':
      return z.string().max(10_000)
    case 'number':
      return z.number()
    case 'boolean':
      return z.boolean()
    case 'date':
      return z.iso.date()
    case 'datetime':
      // Stored as a normalised ISO string inside JSON so it sorts and compares the same on every adapter.
      return z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v).toISOString())
    case 'select':
      return z.enum(def.options as [string, ...string[]])
    case 'multiselect':
      return z
        .array(z.enum(def.options as [string, ...string[]]))
        .refine((a) => new Set(a).size === a.length, 'Values must be unique')
    case 'money':
      return z.object({ amountMinor: z.int(), currency: z.string().regex(/^[A-Z]{3}$/) }).strict()
    case 'url':
      return z.url({ protocol: /^https?$/ }).max(2000)
    case 'email':
      return z.email().max(320)
    case 'phone':
      return z.string().regex(e164, 'Expected an E.164 phone number such as "+4930123456"')
  }
}

/**
 * Validates and normalises a record's `custom` object against the entity's custom fields. Unknown keys, wrong types
 * and missing required values become issues with paths under `custom`.
 */
export function validateCustomValues(
  values: Readonly<Record<string, unknown>>,
  definitions: readonly CustomFieldDefinition[],
): { value: Record<string, unknown>; issues: ValidationIssue[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]))
  const issues: ValidationIssue[] = []
  const value: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(values)) {
    const def = byKey.get(key)
    if (!def) {
      issues.push({
        path: ['custom', key],
        message: `Unknown custom field "${key}"`,
        code: 'unrecognized_keys',
      })
      continue
    }
    if (raw === null) {
      if (def.required) issues.push({ path: ['custom', key], message: 'Required', code: 'invalid_type' })
      continue
    }
    const parsed = valueSchema(def).safeParse(raw)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          path: ['custom', key, ...issue.path.map(String)],
          message: issue.message,
          code: issue.code,
        })
      }
      continue
    }
    value[key] = parsed.data
  }
  for (const def of definitions) {
    if (def.required && value[def.key] === undefined && !issues.some((i) => i.path[1] === def.key)) {
      issues.push({ path: ['custom', def.key], message: 'Required', code: 'invalid_type' })
    }
  }
  return { value, issues }
}

/** The filter references a custom field exposes: `custom.<key>`, and for money `.amountMinor` / `.currency`. */
export function customFieldRefs(def: CustomFieldDefinition): [string, FieldRef][] {
  const base = `custom.${def.key}`
  switch (def.type) {
    case 'number':
      return [[base, { field: 'custom', path: [def.key], type: 'number' }]]
    case 'boolean':
      return [[base, { field: 'custom', path: [def.key], type: 'boolean' }]]
    case 'date':
      return [[base, { field: 'custom', path: [def.key], type: 'date' }]]
    case 'datetime':
      return [[base, { field: 'custom', path: [def.key], type: 'datetime' }]]
    case 'multiselect':
      return [[base, { field: 'custom', path: [def.key], type: 'string', array: true }]]
    case 'money':
      return [
        [`${base}.amountMinor`, { field: 'custom', path: [def.key, 'amountMinor'], type: 'integer' }],
        [`${base}.currency`, { field: 'custom', path: [def.key, 'currency'], type: 'string' }],
      ]
    default:
      return [[base, { field: 'custom', path: [def.key], type: 'string' }]]
  }
}
