import type { CrmServices } from '@rapport/core'
import type { EntityDescription } from '@rapport/core/plugin'
import type { TimelineHealthScorer, TimelineOptions, TimelineSubject } from '@rapport/core/timeline'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { LIST_QUERY } from '../http/list-query.js'
import { kebab, pascal } from '../http/naming.js'
import { wireRecord } from '../http/wire-record.js'

/** The entities `crm.timeline` tells the story of: the timeline's subject types. */
const SUBJECT_TYPES: readonly TimelineSubject['type'][] = ['contact', 'company']

const moneyTotals = z
  .record(z.string(), z.int())
  .describe('Sums per ISO 4217 currency code, in minor units, e.g. {"EUR":125000}')

const figuresSchema = z
  .object({
    openDeals: z.int().describe('Open (not closed) deals of the customer'),
    openDealValue: moneyTotals.describe('The open deals’ amounts per currency, in minor units'),
    weightedDealValue: moneyTotals.describe(
      'Sum of amount × probability / 100 per currency, rounded to whole minor units',
    ),
    lifetimeRevenue: moneyTotals.describe('Completed orders per currency, in minor units'),
    completedOrders: z.int(),
    lastContactAt: z.date().nullable().describe('The newest activity that has happened, or null'),
    nextTask: z
      .object({ id: z.string(), title: z.string(), dueAt: z.date() })
      .nullable()
      .describe('The open task due soonest, or null'),
    openTickets: z.int(),
    healthScore: z
      .number()
      .nullable()
      .describe('0–100 from the server’s timelineHealthScore option; null without one'),
  })
  .meta({ id: 'TimelineFigures' })

/** Options of {@link addTimelineRoutes}. @internal */
export interface TimelineRouteOptions {
  /** The health scorer `figures` uses (the server's `timelineHealthScore`). */
  readonly healthScore?: TimelineHealthScorer
}

/**
 * `GET /{collection}/{id}/timeline` and `GET /{collection}/{id}/timeline/figures` for the entities `crm.timeline`
 * supports (contacts and companies): one keyset page of `crm.timeline.page` with its opaque cursor and kind filter,
 * and `crm.timeline.figures`, as the caller sees them. Errors are core's: `NOT_FOUND` for a record that is missing or
 * outside the caller's access, `VALIDATION_FAILED` for an unknown kind or a limit past the maximum page size,
 * `INVALID_CURSOR` for a cursor that is not one of ours.
 *
 * @internal
 */
export function addTimelineRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  crm: CrmServices,
  entities: readonly EntityDescription[],
  options: TimelineRouteOptions = {},
): void {
  for (const entity of entities) {
    const type = SUBJECT_TYPES.find((t) => t === entity.name)
    if (type === undefined) continue
    const base = `/${kebab(entity.collection)}/{id}/timeline`
    const kinds = crm.timeline.kinds(type)
    const name = pascal(entity.name)
    const item = z
      .object({
        kind: (kinds.length > 0 ? z.enum(kinds as [string, ...string[]]) : z.string()).describe(
          'The entry’s kind: its source (core’s or a plugin’s)',
        ),
        entity: z.string().describe('The entity of record'),
        id: z.string().describe('The record’s id (prefixed, so unique across kinds)'),
        at: z.date().describe('When it happened'),
        record: z
          .record(z.string(), z.unknown())
          .describe('The record as the caller may see it (masked fields stay masked), as GET of its entity'),
      })
      .meta({ id: `${name}TimelineItem` })
    const subject = (id: string): TimelineSubject => ({ type, id })

    addRoute(app, table, basePath, {
      method: 'get',
      path: base,
      operationId: `${entity.collection}.timeline`,
      summary: `The 360° timeline of a ${entity.name}, newest first`,
      description:
        `Everything about the ${entity.name}, newest first (by \`at\`, then id), one keyset page at a time: ` +
        `${kinds.join(', ')}. Entries sharing an instant are never skipped or repeated across pages. A record ` +
        'missing or outside your access is 404 `NOT_FOUND`; an unknown kind or a limit past the maximum page size ' +
        'is 422 `VALIDATION_FAILED`; a cursor that is not one of ours is 400 `INVALID_CURSOR`.',
      tags: [entity.collection],
      query: {
        limit: { description: 'Entries per page (default 50)', schema: LIST_QUERY.limit.schema },
        cursor: { description: 'The nextCursor of the previous page (opaque), with the same kind filter' },
        kind: {
          description: `Only these kinds, comma-separated, e.g. "activity,order"; known kinds: ${kinds.join(', ')}`,
          schema: z.string().max(2000),
        },
      },
      response: {
        status: 200,
        description: 'One page, newest first',
        schema: z
          .object({
            data: z.array(item),
            nextCursor: z
              .string()
              .nullable()
              .describe('Pass as cursor for the next page; null on the last page'),
            hasMore: z.boolean(),
          })
          .meta({ id: `${name}TimelinePage` }),
      },
      handler: async ({ c, params, query }) => {
        const timelineOptions: TimelineOptions = {
          ...(query['limit'] ? { limit: Number(query['limit']) } : {}),
          ...(query['cursor'] !== undefined ? { cursor: query['cursor'] } : {}),
          ...(query['kind'] !== undefined ? { kinds: query['kind'].split(',').map((k) => k.trim()) } : {}),
        }
        const page = await c.get('rapport').timeline.page(subject(params['id']!), timelineOptions)
        const data = page.items.map((entry) => ({ ...entry, record: wireRecord(entry.record) }))
        return c.json({ data, nextCursor: page.nextCursor, hasMore: page.hasMore }, 200)
      },
    })

    addRoute(app, table, basePath, {
      method: 'get',
      path: `${base}/figures`,
      operationId: `${entity.collection}.timelineFigures`,
      summary: `The key figures of a ${entity.name}`,
      description:
        'Open deals and their weighted value, lifetime revenue, last contact, next task, open tickets and the ' +
        'health score, over what you may see. A record missing or outside your access is 404 `NOT_FOUND`.',
      tags: [entity.collection],
      response: { status: 200, description: 'The key figures', schema: figuresSchema },
      handler: async ({ c, params }) => {
        const figures = await c
          .get('rapport')
          .timeline.figures(
            subject(params['id']!),
            options.healthScore ? { healthScore: options.healthScore } : {},
          )
        return c.json(figures, 200)
      },
    })
  }
}
