import { RapportError } from '../errors/rapport-error.js'
import { keysetAfter } from '../storage/keyset-after.js'
import type {
  FieldRef,
  StorageFilter,
  StorageOrderBy,
  StorageRow,
  StorageValue,
} from '../storage/storage-filter.js'

type Encoded = string | number | boolean | null | { readonly $d: string }

/** Reads the value a sort key refers to, descending into JSON paths. */
export function valueAt(row: StorageRow, ref: FieldRef): StorageValue {
  let value: unknown = row[ref.field]
  for (const key of ref.path ?? []) {
    value =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)[key]
        : null
  }
  return (value ?? null) as StorageValue
}

function signature(orderBy: readonly StorageOrderBy[]): string {
  return orderBy
    .map((o) => `${o.ref.field}${o.ref.path ? `.${o.ref.path.join('.')}` : ''}:${o.direction}`)
    .join(',')
}

const utf8 = new TextEncoder()
// Any UTF-16 code unit past ASCII (surrogates included). ASCII text is its own UTF-8, so `btoa` takes it as is.
const NON_ASCII = /[\u0080-\uffff]/

// Every list page with more to come ends with a cursor, so the common case (ids, numbers, ISO dates: ASCII) skips the
// UTF-8 encoder and the byte-by-byte string it built; the cursor is the same base64url of the same UTF-8 bytes.
function toBase64Url(text: string): string {
  let binary = text
  if (NON_ASCII.test(text)) {
    const bytes = utf8.encode(text)
    binary = ''
    for (let i = 0; i < bytes.length; i += 4096) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 4096))
    }
  }
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
}

/** Encodes the position after `row` for this ordering as an opaque, URL-safe cursor. */
export function encodeCursor(row: StorageRow, orderBy: readonly StorageOrderBy[]): string {
  const values: Encoded[] = orderBy.map((o) => {
    const v = valueAt(row, o.ref)
    if (v instanceof Date) return { $d: v.toISOString() }
    if (v !== null && typeof v === 'object') return null
    return v
  })
  return toBase64Url(JSON.stringify({ s: signature(orderBy), v: values }))
}

/** Decodes a cursor, checking it was made for the same ordering. */
export function decodeCursor(cursor: string, orderBy: readonly StorageOrderBy[]): StorageValue[] {
  let parsed: { s?: unknown; v?: unknown }
  try {
    parsed = JSON.parse(fromBase64Url(cursor)) as { s?: unknown; v?: unknown }
  } catch (cause) {
    throw new RapportError('INVALID_CURSOR', 'The cursor is malformed', { cause })
  }
  if (parsed.s !== signature(orderBy) || !Array.isArray(parsed.v) || parsed.v.length !== orderBy.length) {
    throw new RapportError(
      'INVALID_CURSOR',
      'The cursor belongs to a different ordering; start again without it',
    )
  }
  return parsed.v.map((v: unknown, i: number): StorageValue => {
    const ref = (orderBy[i] as StorageOrderBy).ref
    if (v !== null && typeof v === 'object' && typeof (v as { $d?: unknown }).$d === 'string') {
      const date = new Date((v as { $d: string }).$d)
      if (Number.isNaN(date.getTime()))
        throw new RapportError('INVALID_CURSOR', 'The cursor holds an invalid date')
      return ref.type === 'datetime' && !ref.path ? date : date.toISOString()
    }
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
    throw new RapportError('INVALID_CURSOR', 'The cursor holds an invalid value')
  })
}

/**
 * The filter selecting rows strictly after the cursor position, honouring the null placement of the storage
 * ordering (nulls first ascending, last descending): one `after` node, which SQL adapters run as a row-value range.
 */
export function afterCursor(
  orderBy: readonly StorageOrderBy[],
  values: readonly StorageValue[],
): StorageFilter {
  return keysetAfter(orderBy, values)
}
