import { RapportError } from '@rapport/core'
import type { StorageSchema } from '@rapport/core/storage'
import { PrivacyErrorCodes } from '../privacy-error.js'

/** What erasure does to a field: clear it (`redact`), or keep it (`retain`, e.g. for a legal retention duty). */
export type FieldErasure = 'redact' | 'retain'

/**
 * Privacy metadata of one field. `pii` fields are personal data: exported, and cleared when their record is
 * anonymised. `sensitive` fields (special categories: health, beliefs…) are also stored encrypted with the subject's
 * own key, so destroying the key erases every copy (crypto-shredding); they must hold strings.
 */
export interface FieldTag {
  readonly pii?: boolean
  readonly sensitive?: boolean
  /** Default `redact` for `pii` and `sensitive` fields. */
  readonly erasure?: FieldErasure
}

/** Tags per entity and field path (`firstName`, `custom.diagnosis`). */
export type FieldTags = Readonly<Record<string, Readonly<Record<string, FieldTag>>>>

/** The tags core entities get unless the host overrides them. */
export const defaultFieldTags: FieldTags = {
  contact: {
    prefix: { pii: true },
    firstName: { pii: true },
    middleName: { pii: true },
    lastName: { pii: true },
    suffix: { pii: true },
    emails: { pii: true },
    phones: { pii: true },
    address: { pii: true },
  },
  lead: {
    firstName: { pii: true },
    lastName: { pii: true },
    email: { pii: true },
    phone: { pii: true },
  },
  activity: { subject: { pii: true }, body: { pii: true }, participants: { pii: true } },
  task: { title: { pii: true }, description: { pii: true } },
  ticket: { subject: { pii: true }, description: { pii: true } },
}

/** Merges host tags over the defaults (a host tag replaces the default of that field). */
export function mergeFieldTags(defaults: FieldTags, host: FieldTags = {}): FieldTags {
  const out: Record<string, Record<string, FieldTag>> = {}
  for (const [entity, fields] of [...Object.entries(defaults), ...Object.entries(host)]) {
    out[entity] = { ...(out[entity] ?? {}), ...fields }
  }
  return out
}

/**
 * Checks the tags against the resolved schema: every entity and field must exist (custom fields as `custom.<key>`
 * on entities that have custom values). A broken tag set is `PRIVACY_INVALID_CONFIG` before anything runs.
 */
export function checkFieldTags(tags: FieldTags, schema: StorageSchema, subjects: readonly string[]): void {
  const issues: string[] = []
  for (const [entity, fields] of Object.entries(tags)) {
    const model = schema.models[entity]
    if (!model) {
      issues.push(`unknown entity "${entity}"`)
      continue
    }
    for (const [field, tag] of Object.entries(fields)) {
      const top = field.startsWith('custom.') ? 'custom' : field
      if (!model.fields[top] || (top === 'custom' && field.length <= 7))
        issues.push(`unknown field "${entity}.${field}"`)
      if (tag.sensitive && !subjects.includes(entity)) {
        issues.push(
          `"${entity}.${field}" is sensitive, but only data-subject entities (${subjects.join(', ')}) have keys`,
        )
      }
    }
  }
  if (issues.length > 0) {
    throw new RapportError(
      PrivacyErrorCodes.PRIVACY_INVALID_CONFIG,
      `Invalid privacy field tags: ${issues[0]}`,
      {
        details: { issues },
      },
    )
  }
}

/** The paths of an entity's fields with a given property. */
export function taggedFields(tags: FieldTags, entity: string, property: 'pii' | 'sensitive'): string[] {
  return Object.entries(tags[entity] ?? {})
    .filter(([, tag]) => tag[property] || (property === 'pii' && tag.sensitive))
    .map(([field]) => field)
}

/** Reads a field path (`custom.x` included) of a record. */
export function readPath(record: Readonly<Record<string, unknown>>, path: string): unknown {
  if (!path.startsWith('custom.')) return record[path]
  const custom = record['custom'] as Record<string, unknown> | null | undefined
  return custom?.[path.slice(7)]
}
