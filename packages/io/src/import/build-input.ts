import { sameValue } from '@rapport/core/services'
import type { OverwritePolicy } from '../mapping/import-mapping.js'
import type { MappedValue } from '../mapping/map-row.js'

type Rec = Record<string, unknown>

interface EmailEntry {
  readonly address: string
  readonly primary?: boolean
}
interface PhoneEntry {
  readonly number: string
  readonly primary?: boolean
}

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

/** The create input of a new record from mapped values (empty cells are left out). */
export function buildCreateInput(values: readonly MappedValue[]): Rec {
  const out: Rec = {}
  for (const { column, value } of values) {
    if (isEmpty(value)) continue
    const path = column.target.path
    if (path === 'id') continue
    if (column.target.kind === 'email') out['emails'] = [{ address: value, primary: true }]
    else if (column.target.kind === 'phone') out['phones'] = [{ number: value, primary: true }]
    else setPath(out, path, value)
  }
  return out
}

function setPath(target: Rec, path: string, value: unknown): void {
  const dot = path.indexOf('.')
  if (dot < 0) {
    target[path] = value
    return
  }
  const head = path.slice(0, dot)
  const inner = { ...((target[head] as Rec | null | undefined) ?? {}) }
  inner[path.slice(dot + 1)] = value
  target[head] = inner
}

function getPath(record: Rec, path: string): unknown {
  let current: unknown = record
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Rec)[part]
  }
  return current
}

/** How list entries are compared (phones by their E.164 form, e-mails case-insensitively). */
export interface EntryKeys {
  email(address: string): string
  phone(number: string): string
}

/**
 * The update patch for an existing record from mapped values, each field under its overwrite policy; an empty patch
 * means the row changes nothing (`unchanged`). E-mails and phones are added to the record's lists (as primary under
 * `always`) unless already there; lists of choices (tags) are unioned, or replaced under `always`.
 */
export function buildPatch(
  existing: Rec,
  values: readonly MappedValue[],
  fallback: OverwritePolicy,
  keys: EntryKeys,
): Rec {
  const patch: Rec = {}
  for (const { column, value } of values) {
    const path = column.target.path
    if (path === 'id') continue
    const policy = column.overwrite ?? fallback
    const kind = column.target.kind
    if (kind === 'email' || kind === 'phone') {
      if (isEmpty(value)) continue
      const list = kind === 'email' ? 'emails' : 'phones'
      const current = ((patch[list] ?? existing[list]) as (EmailEntry | PhoneEntry)[] | undefined) ?? []
      const key = kind === 'email' ? keys.email : keys.phone
      const text = value as string
      const entryText = (e: EmailEntry | PhoneEntry) => ('address' in e ? e.address : e.number)
      if (current.some((e) => key(entryText(e)) === key(text))) continue
      if (policy === 'ifEmpty' && current.length > 0) continue
      const entry = kind === 'email' ? { address: text } : { number: text }
      patch[list] =
        policy === 'always'
          ? [{ ...entry, primary: true }, ...current.map((e) => ({ ...e, primary: false }))]
          : [...current, current.length === 0 ? { ...entry, primary: true } : entry]
      continue
    }
    const current = getPath({ ...existing, ...patch }, path)
    let next = value
    if (kind === 'choices' && Array.isArray(value) && policy !== 'always') {
      next = [...new Set([...((current as string[] | null) ?? []), ...(value as string[])])]
    }
    if (isEmpty(next)) {
      if (policy !== 'always' || isEmpty(current)) continue
      next = kind === 'choices' ? [] : null
    } else if (policy === 'ifEmpty' && !isEmpty(current)) continue
    if (sameValue(current, next)) continue
    const dot = path.indexOf('.')
    if (dot < 0) patch[path] = next
    else {
      const head = path.slice(0, dot)
      patch[head] = { ...((patch[head] ?? existing[head] ?? {}) as Rec), [path.slice(dot + 1)]: next }
    }
  }
  return patch
}
