import { RapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { ListOptions, OrderBy } from '@rapport/core/services'
import * as z from 'zod'

/** The query parameters of list endpoints, documented once. */
export const LIST_QUERY = {
  filter: {
    description:
      'A Rapport filter tree as JSON, e.g. {"field":"lastName","op":"startsWith","value":"Love"}; see the filter guide',
  },
  sort: {
    description: 'Sort keys, comma-separated; a leading "-" sorts descending, e.g. "-updatedAt,lastName"',
    schema: z.string().max(500),
  },
  limit: { description: 'Page size (default 50)', schema: z.string().regex(/^[1-9]\d{0,5}$/) },
  cursor: { description: 'The nextCursor of the previous page, with the same filter and sort' },
  includeArchived: {
    description: 'Include archived records: true or false',
    schema: z.enum(['true', 'false']),
  },
} as const

/** The query parameters of search endpoints. */
export const SEARCH_QUERY = {
  q: {
    description: 'The words to search for (every language, CJK included)',
    schema: z.string().min(1).max(500),
  },
  filter: LIST_QUERY.filter,
  limit: { description: 'At most this many results (default 20)', schema: LIST_QUERY.limit.schema },
  includeArchived: LIST_QUERY.includeArchived,
} as const

/** Parses `filter=<json>`; malformed JSON is an `INVALID_FILTER`, like a malformed tree. */
export function parseFilter(text: string | undefined): Filter | undefined {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as Filter
  } catch {
    throw new RapportError('INVALID_FILTER', 'The filter parameter is not valid JSON', {
      details: { parameter: 'filter' },
    })
  }
}

/** Parses `sort=-updatedAt,lastName` into `orderBy`. */
export function parseSort(text: string | undefined): OrderBy[] | undefined {
  if (text === undefined) return undefined
  const keys = text.split(',').map((part) => part.trim())
  if (keys.some((k) => k === '' || k === '-')) {
    throw new RapportError(
      'HTTP_BAD_REQUEST',
      'sort is a comma-separated list of fields, e.g. "-updatedAt,name"',
      {
        details: { parameter: 'sort' },
      },
    )
  }
  return keys.map((k) => (k.startsWith('-') ? { field: k.slice(1), direction: 'desc' } : { field: k }))
}

/** The `ListOptions` of a list request. */
export function listOptionsOf(query: Record<string, string>): ListOptions {
  const where = parseFilter(query['filter'])
  const orderBy = parseSort(query['sort'])
  return {
    ...(where !== undefined ? { where } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(query['limit'] ? { limit: Number(query['limit']) } : {}),
    ...(query['cursor'] !== undefined ? { cursor: query['cursor'] } : {}),
    ...(query['includeArchived'] ? { includeArchived: query['includeArchived'] === 'true' } : {}),
  }
}
