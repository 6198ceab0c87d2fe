import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { LIST_QUERY } from '../http/list-query.js'
import { kebab } from '../http/naming.js'
import { readTimeline } from './read-timeline.js'
import type { TimelineSource } from './timeline-source.js'

const itemSchema = z
  .object({
    at: z.date(),
    kind: z.string().describe('activity, task, stageChange, or a source’s own kind'),
    id: z.string(),
    source: z.string(),
    summary: z.string(),
    record: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineItem' })

/**
 * `GET /{collection}/{id}/timeline`: every source's entries about one record, newest first, paged by `before`.
 */
export function addTimelineRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  entities: readonly { readonly name: string; readonly collection: string }[],
  sources: readonly TimelineSource[],
): void {
  for (const entity of entities) {
    const applicable = sources.filter((s) => !s.entities || s.entities.includes(entity.name))
    addRoute(app, table, basePath, {
      method: 'get',
      path: `/${kebab(entity.collection)}/{id}/timeline`,
      operationId: `${entity.collection}.timeline`,
      summary: `The timeline of a ${entity.name}: activities, tasks, stage changes and more, newest first`,
      tags: [entity.collection],
      query: {
        limit: LIST_QUERY.limit,
        before: {
          description: 'Only entries before this instant (the `at` of the last entry of the previous page)',
          schema: z.iso.datetime({ offset: true }),
        },
      },
      response: {
        status: 200,
        description: 'Entries, newest first',
        schema: z.object({
          data: z.array(itemSchema),
          nextBefore: z
            .string()
            .nullable()
            .describe('Pass as before for the next page; null on the last one'),
        }),
      },
      handler: async ({ c, params, query }) => {
        const page = await readTimeline(c.get('rapport'), applicable, {
          entity: entity.name,
          id: params['id']!,
          limit: Number(query['limit'] ?? 50),
          ...(query['before'] ? { before: new Date(query['before']) } : {}),
        })
        return c.json(page, 200)
      },
    })
  }
}
