import type { ValidationIssue } from '@rapport/core/errors'
import type { ResolvedColumn } from './import-mapping.js'
import type { ImportTarget } from './import-targets.js'
import { applyTransforms } from './transforms.js'

/** A mapped cell: its column, and its typed value (`null` for an empty cell). */
export interface MappedValue {
  readonly column: ResolvedColumn
  readonly value: unknown
}

/** A row after mapping: typed values per column and the issues of cells that could not be read. */
export interface MappedRow {
  readonly values: readonly MappedValue[]
  readonly issues: readonly ValidationIssue[]
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on', '是', '真'])
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '否', '假'])

function coerce(text: string, target: ImportTarget): { value: unknown } | { issue: string } {
  if (text === '') return { value: null }
  switch (target.kind) {
    case 'number': {
      const n = Number(text.replace(/[\s,_]/gu, ''))
      return Number.isFinite(n) ? { value: n } : { issue: `Expected a number, got "${text}"` }
    }
    case 'boolean': {
      const lower = text.toLowerCase()
      if (TRUE.has(lower)) return { value: true }
      if (FALSE.has(lower)) return { value: false }
      return { issue: `Expected yes or no, got "${text}"` }
    }
    case 'date': {
      const ms = Date.parse(text)
      return Number.isNaN(ms) ? { issue: `Expected a date, got "${text}"` } : { value: new Date(ms) }
    }
    case 'choice': {
      const options = target.options ?? []
      const found =
        options.find((o) => o === text) ?? options.find((o) => o.toLowerCase() === text.toLowerCase())
      return found === undefined
        ? { issue: `Expected one of ${options.join(', ')}, got "${text}"` }
        : { value: found }
    }
    case 'choices': {
      const items = [
        ...new Set(
          text
            .split(/[;,]/u)
            .map((s) => s.trim())
            .filter((s) => s.length > 0),
        ),
      ]
      return { value: items }
    }
    default:
      return { value: text }
  }
}

/**
 * Maps one row's cells to typed values through the resolved columns: named transforms, then the caller's function
 * transform, then the target's type (numbers, yes/no, dates, choices case-insensitively, `;`-separated lists). A cell
 * that does not fit is an issue in zod's shape (`{ code, path: [field], message }`), never a throw.
 */
export function mapRow(
  cells: readonly string[],
  columns: readonly ResolvedColumn[],
  headers: readonly string[],
): MappedRow {
  let byHeader: Record<string, string> | undefined
  const values: MappedValue[] = []
  const issues: ValidationIssue[] = []
  for (const column of columns) {
    let text = applyTransforms(cells[column.index] ?? '', column.transforms)
    if (column.fn) {
      byHeader ??= Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? '']))
      text = column.fn(text, byHeader)
    }
    const out = coerce(text, column.target)
    if ('issue' in out)
      issues.push({ code: 'invalid_value', path: column.target.path.split('.'), message: out.issue })
    else values.push({ column, value: out.value })
  }
  return { values, issues }
}
