import { RapportError } from '@rapport/core'
import { suggestFieldPaths } from '@rapport/core/filter'
import * as z from 'zod'
import type { ImportTarget } from './import-targets.js'
import type { TransformFn } from './transforms.js'
import { transformNames } from './transforms.js'

/** When an import may overwrite a field of an existing record (Eloqua's `updateRule`). */
export const overwritePolicies = ['always', 'ifSet', 'ifEmpty'] as const

/**
 * `always`: the file wins, an empty cell clears the field; `ifSet` (default): only cells with a value are written;
 * `ifEmpty`: only fields the record has no value for are filled.
 */
export type OverwritePolicy = (typeof overwritePolicies)[number]

/** One mapped column: its target field, named transforms and overwrite policy. */
export const columnMappingSchema = z
  .object({
    field: z.string().min(1).max(200),
    transforms: z.array(z.enum(transformNames)).max(10).optional(),
    overwrite: z.enum(overwritePolicies).optional(),
  })
  .strict()

/**
 * A mapping from file headers to fields, as data (it can be saved and loaded): `columns` maps a header to a field path
 * or to `{ field, transforms, overwrite }`; headers not listed are ignored.
 */
export const importMappingSchema = z
  .object({
    columns: z.record(z.string().min(1).max(500), z.union([z.string().min(1).max(200), columnMappingSchema])),
  })
  .strict()

/** A mapping from file headers to fields; see {@link importMappingSchema}. */
export type ImportMapping = z.input<typeof importMappingSchema>

/** A mapping checked against the file's headers and the entity's fields. */
export interface ResolvedColumn {
  /** Index of the column in the file. */
  readonly index: number
  readonly header: string
  readonly target: ImportTarget
  readonly transforms: readonly (typeof transformNames)[number][]
  readonly overwrite: OverwritePolicy | undefined
  readonly fn: TransformFn | undefined
}

/**
 * Checks a mapping against the file's headers and the entity's targets: a header missing from the file is
 * `IO_MISSING_COLUMN`, a field that does not exist is `IO_UNKNOWN_FIELD` with suggestions, two headers on one field is
 * `IO_INVALID_MAPPING`. Throws before any row is read, so nothing is written.
 */
export function resolveMapping(
  input: ImportMapping,
  headers: readonly string[],
  targets: readonly ImportTarget[],
  functions: Readonly<Record<string, TransformFn>> = {},
): ResolvedColumn[] {
  const parsed = importMappingSchema.safeParse(input)
  if (!parsed.success) {
    throw new RapportError('IO_INVALID_MAPPING', 'The mapping is malformed', {
      details: {
        issues: parsed.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
      },
    })
  }
  const byPath = new Map(targets.map((t) => [t.path, t]))
  const used = new Map<string, string>()
  const out: ResolvedColumn[] = []
  for (const [header, spec] of Object.entries(parsed.data.columns)) {
    const column = typeof spec === 'string' ? { field: spec } : spec
    const index = headers.indexOf(header)
    if (index < 0) {
      throw new RapportError('IO_MISSING_COLUMN', `The file has no column "${header}"`, {
        details: { header, headers, suggestions: suggestFieldPaths(header, headers, 3) },
      })
    }
    const target = byPath.get(column.field)
    if (!target) {
      throw new RapportError(
        'IO_UNKNOWN_FIELD',
        `Column "${header}" maps to unknown field "${column.field}"`,
        {
          details: {
            header,
            field: column.field,
            suggestions: suggestFieldPaths(column.field, [...byPath.keys()], 3),
          },
        },
      )
    }
    const other = used.get(column.field)
    if (other !== undefined) {
      throw new RapportError(
        'IO_INVALID_MAPPING',
        `Columns "${other}" and "${header}" both map to "${column.field}"`,
        {
          details: { field: column.field, headers: [other, header] },
        },
      )
    }
    used.set(column.field, header)
    out.push({
      index,
      header,
      target,
      transforms: column.transforms ?? ['trim'],
      overwrite: column.overwrite,
      fn: functions[header],
    })
  }
  return out
}
