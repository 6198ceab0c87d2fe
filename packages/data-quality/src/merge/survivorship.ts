import { emailKey } from '../normalise/email.js'

/** How a field's merged value is chosen among the survivor and the losers. */
export type SurvivorshipPolicy =
  | 'survivor'
  | 'nonEmptyFirst'
  | 'mostRecent'
  | 'oldest'
  | 'max'
  | 'min'
  | 'union'
  | 'concat'

/** Fields merged by `union` unless told otherwise: tags, e-mails and phones (the survivor's primary is kept). */
export const DEFAULT_UNION_FIELDS: readonly string[] = ['tags', 'emails', 'phones']

/** Text fields merged by `concat` unless told otherwise. */
export const DEFAULT_CONCAT_FIELDS: readonly string[] = ['notes', 'description']

const empty = (v: unknown) =>
  v === null ||
  v === undefined ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    Object.keys(v as object).length === 0)

const time = (r: Readonly<Record<string, unknown>>, f: string) => new Date(r[f] as string | Date).getTime()

function identity(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const entry = value as Record<string, unknown>
    if (typeof entry['address'] === 'string') return `email:${emailKey(entry['address']) ?? entry['address']}`
    if (typeof entry['number'] === 'string') return `phone:${entry['number']}`
  }
  return JSON.stringify(value)
}

/**
 * The merged value of one field. `records` is the survivor first, then the losers in the order given; `survivor`
 * keeps the survivor's value, `nonEmptyFirst` takes the first non-empty value (survivor, then the most recently
 * updated loser), `mostRecent` / `oldest` the value of the most / least recently updated record that has one,
 * `max` / `min` compare values, `union` joins arrays without duplicates (e-mails by their match key; only the
 * survivor's entries keep `primary`), `concat` joins distinct texts with blank lines.
 */
export function mergeField(
  policy: SurvivorshipPolicy,
  field: string,
  records: readonly Readonly<Record<string, unknown>>[],
): unknown {
  const [survivor] = records
  if (!survivor) return undefined
  const present = records.filter((r) => !empty(r[field]))
  switch (policy) {
    case 'survivor':
      return survivor[field]
    case 'nonEmptyFirst': {
      const [first, ...rest] = records
      const ordered = [first, ...[...rest].sort((a, b) => time(b, 'updatedAt') - time(a, 'updatedAt'))]
      return ordered.find((r) => r && !empty(r[field]))?.[field] ?? survivor[field]
    }
    case 'mostRecent':
      return (
        [...present].sort((a, b) => time(b, 'updatedAt') - time(a, 'updatedAt'))[0]?.[field] ??
        survivor[field]
      )
    case 'oldest':
      return (
        [...present].sort((a, b) => time(a, 'createdAt') - time(b, 'createdAt'))[0]?.[field] ??
        survivor[field]
      )
    case 'max':
    case 'min': {
      const values = present.map((r) => r[field]) as (number | string)[]
      if (values.length === 0) return survivor[field]
      return values.reduce((a, b) => ((policy === 'max' ? b > a : b < a) ? b : a))
    }
    case 'union': {
      const seen = new Set<string>()
      const out: unknown[] = []
      for (const [i, r] of records.entries()) {
        const list = Array.isArray(r[field]) ? (r[field] as unknown[]) : []
        for (const value of list) {
          const id = identity(value)
          if (seen.has(id)) continue
          seen.add(id)
          if (i > 0 && value !== null && typeof value === 'object' && 'primary' in value) {
            const { primary: _drop, ...rest } = value as Record<string, unknown>
            out.push(rest)
          } else out.push(value)
        }
      }
      return out
    }
    case 'concat': {
      const texts = [...new Set(present.map((r) => String(r[field]).trim()))]
      return texts.length === 0 ? survivor[field] : texts.join('\n\n')
    }
  }
}
