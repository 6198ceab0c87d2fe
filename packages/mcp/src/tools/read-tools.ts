import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { CrmDescription } from '@rapport/core/plugin'
import type { TimelineHealthScorer, TimelineSubject } from '@rapport/core/timeline'
import * as z from 'zod'
import { run } from '../tool-result.js'

const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const

/** A filter tree in Rapport's filter language (documented for the agent; core validates it). */
export const filterSchema = z
  .record(z.string(), z.unknown())
  .describe(
    'A Rapport filter tree. Conditions: {"field":"lastName","op":"eq","value":"Lovelace"} with op one of eq, ne, lt, ' +
      'lte, gt, gte, in, nin, contains, startsWith, endsWith (caseInsensitive: true), isNull, between; combine with ' +
      '{"and":[...]}, {"or":[...]}, {"not":{...}}; relations with {"exists":"deals","where":{...}}; ' +
      'values may be {"$ago":{"days":30}} or {"$var":"actor.id"}',
  )

/**
 * The read tools: find, search, list, get, and `timeline` and `timeline_figures` (over `crm.timeline`, for contacts and
 * companies).
 */
export function registerReadTools(
  server: McpServer,
  crm: CrmServices,
  description: CrmDescription,
  timeline: { readonly healthScore?: TimelineHealthScorer } = {},
): void {
  const names = description.entities.map((e) => e.name) as [string, ...string[]]
  const searchable = description.entities.filter((e) => e.searchable).map((e) => e.name) as [
    string,
    ...string[],
  ]
  const entity = z.enum(names).describe('The kind of record')
  const service = (name: string) => crm.entity(name)

  server.registerTool(
    'find',
    {
      title: 'Find records',
      description:
        'Finds records of one kind by words (a name, an email, a company, in any language), best matches first. ' +
        'Use it to turn "Ada at Acme" into a record id.',
      inputSchema: {
        entity: z.enum(searchable).describe('The kind of record'),
        query: z.string().min(1).max(500).describe('The words to look for'),
        limit: z.int().min(1).max(50).optional().describe('At most this many (default 10)'),
      },
      annotations: READ_ONLY,
    },
    ({ entity: name, query, limit }) =>
      run(async () => ({ data: await service(name).search(query, { limit: limit ?? 10 }) })),
  )
  server.registerTool(
    'search',
    {
      title: 'Search the CRM',
      description:
        'Searches several kinds of record at once (default: contacts, companies, deals, leads, tickets).',
      inputSchema: {
        query: z.string().min(1).max(500).describe('The words to look for'),
        entities: z.array(z.enum(searchable)).max(20).optional().describe('Kinds of record to search'),
        limit: z.int().min(1).max(20).optional().describe('At most this many per kind (default 5)'),
      },
      annotations: READ_ONLY,
    },
    ({ query, entities, limit }) =>
      run(async () => {
        const kinds =
          entities ?? ['contact', 'company', 'deal', 'lead', 'ticket'].filter((k) => searchable.includes(k))
        const results: Record<string, unknown[]> = {}
        for (const kind of kinds) results[kind] = await service(kind).search(query, { limit: limit ?? 5 })
        return { results }
      }),
  )
  server.registerTool(
    'list',
    {
      title: 'List records',
      description:
        'Lists records of one kind matching a filter, in pages. Pass nextCursor back as cursor for more.',
      inputSchema: {
        entity,
        filter: filterSchema.optional(),
        sort: z
          .array(z.object({ field: z.string(), direction: z.enum(['asc', 'desc']).optional() }))
          .max(8)
          .optional()
          .describe('Sort keys, e.g. [{"field":"updatedAt","direction":"desc"}]'),
        limit: z.int().min(1).max(100).optional().describe('Page size (default 20)'),
        cursor: z.string().optional().describe('The nextCursor of the previous page'),
        includeArchived: z.boolean().optional(),
      },
      annotations: READ_ONLY,
    },
    ({ entity: name, filter, sort, limit, cursor, includeArchived }) =>
      run(async () => {
        const page = await service(name).list({
          ...(filter ? { where: filter as unknown as Filter } : {}),
          ...(sort ? { orderBy: sort } : {}),
          limit: limit ?? 20,
          ...(cursor ? { cursor } : {}),
          ...(includeArchived ? { includeArchived } : {}),
        })
        return { data: page.items, nextCursor: page.nextCursor }
      }),
  )
  server.registerTool(
    'get',
    {
      title: 'Get a record',
      description: 'Reads one record by id, with its version (needed to update it safely).',
      inputSchema: { entity, id: z.string().min(1).max(200).describe('The record id, e.g. con_…') },
      annotations: READ_ONLY,
    },
    ({ entity: name, id }) => run(() => service(name).get(id) as Promise<unknown>),
  )
  registerTimelineTools(server, crm, names, timeline.healthScore)
}

/** `timeline` and `timeline_figures`: `crm.timeline.page` and `crm.timeline.figures` for contacts and companies. */
function registerTimelineTools(
  server: McpServer,
  crm: CrmServices,
  names: readonly string[],
  healthScore: TimelineHealthScorer | undefined,
): void {
  const types = (['contact', 'company'] as const).filter((n) => names.includes(n))
  if (types.length === 0) return
  const kinds = [...new Set(types.flatMap((t) => crm.timeline.kinds(t)))]
  const subject = {
    entity: z
      .enum(types as unknown as [TimelineSubject['type'], ...TimelineSubject['type'][]])
      .describe('Whose timeline: a contact or a company (a company’s includes its people’s)'),
    id: z.string().min(1).max(200).describe('The contact or company id'),
  }
  server.registerTool(
    'timeline',
    {
      title: 'Timeline of a customer',
      description:
        `Everything about a contact or company, newest first: ${kinds.join(', ')}. ` +
        'Pass nextCursor back as cursor for older entries.',
      inputSchema: {
        ...subject,
        kinds: z
          .array(z.string().max(100))
          .min(1)
          .max(50)
          .optional()
          .describe(`Only these kinds, some of: ${kinds.join(', ')}`),
        limit: z.int().min(1).max(100).optional().describe('At most this many entries (default 20)'),
        cursor: z.string().optional().describe('The nextCursor of the previous page'),
      },
      annotations: READ_ONLY,
    },
    ({ entity: type, id, kinds: only, limit, cursor }) =>
      run(async () => {
        const page = await crm.timeline.page(
          { type, id },
          { limit: limit ?? 20, ...(cursor ? { cursor } : {}), ...(only ? { kinds: only } : {}) },
        )
        return { data: page.items, nextCursor: page.nextCursor }
      }),
  )
  server.registerTool(
    'timeline_figures',
    {
      title: 'Key figures of a customer',
      description:
        'Open deals and their weighted value, lifetime revenue, last contact, next task, open tickets and the ' +
        'health score of a contact or company (money in minor units per currency).',
      inputSchema: subject,
      annotations: READ_ONLY,
    },
    ({ entity: type, id }) =>
      run(() => crm.timeline.figures({ type, id }, healthScore ? { healthScore } : {}) as Promise<unknown>),
  )
}
