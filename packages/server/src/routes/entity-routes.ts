import type { EntityDescription } from '@rapport/core/plugin'
import type { EntityService } from '@rapport/core/services'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { etagOf, expectedVersionOf } from '../http/if-match.js'
import { LIST_QUERY, listOptionsOf, parseFilter, SEARCH_QUERY } from '../http/list-query.js'
import { kebab, pascal } from '../http/naming.js'
import { wireRecord, wireRecords } from '../http/wire-record.js'

type AnyService = EntityService<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>

/** The schemas of one entity as OpenAPI components. */
export interface EntitySchemas {
  readonly record: z.ZodType
  readonly create: z.ZodType
  readonly update: z.ZodType
  readonly page: z.ZodType
}

/** Names the entity's schemas as components (`Contact`, `ContactCreate`, `ContactUpdate`, `ContactPage`). */
export function entitySchemas(entity: EntityDescription): EntitySchemas {
  const name = pascal(entity.name)
  const record = entity.recordSchema.meta({ id: name })
  return {
    record,
    create: entity.createSchema.meta({ id: `${name}Create` }),
    update: entity.updateSchema.meta({ id: `${name}Update` }),
    page: z
      .object({
        data: z.array(record),
        nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
        hasMore: z.boolean(),
      })
      .meta({ id: `${name}Page` }),
  }
}

/**
 * Sends a record with its ETag (its version and a hash of this caller's view of it). `Cache-Control: private,
 * no-cache`: the body depends on who asks, so no shared cache may keep it and a private one must revalidate.
 */
export function recordResponse(
  c: { body(body: string, status: number, headers?: Record<string, string>): Response },
  record: Record<string, unknown>,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  const body = JSON.stringify(wireRecord(record))
  return c.body(body, status, {
    'Content-Type': 'application/json',
    ETag: etagOf(record['version'], body),
    'Cache-Control': 'private, no-cache',
    ...headers,
  })
}

/**
 * The collection routes of one entity: list, count, search, create, get, update, archive, restore and delete.
 */
export function addEntityRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  entity: EntityDescription,
  options: { readonly requireIfMatch: boolean },
): void {
  const base = `/${kebab(entity.collection)}`
  const tags = [entity.collection]
  const schemas = entitySchemas(entity)
  const label = entity.name
  const service = (c: { get(key: 'rapport'): { entity(name: string): unknown } }) =>
    c.get('rapport').entity(entity.name) as AnyService
  const id = `${entity.collection}`

  addRoute(app, table, basePath, {
    method: 'get',
    path: base,
    operationId: `${id}.list`,
    summary: `List ${entity.collection}`,
    description:
      'One keyset page; filter with the JSON filter language, sort with `sort`, page with `cursor`.',
    tags,
    query: LIST_QUERY,
    response: { status: 200, description: 'One page', schema: schemas.page },
    handler: async ({ c, query }) => {
      const page = await service(c).list(listOptionsOf(query))
      return c.json(
        { data: wireRecords(page.items), nextCursor: page.nextCursor, hasMore: page.hasMore },
        200,
      )
    },
  })
  addRoute(app, table, basePath, {
    method: 'get',
    path: `${base}/count`,
    operationId: `${id}.count`,
    summary: `Count ${entity.collection}`,
    tags,
    query: { filter: LIST_QUERY.filter, includeArchived: LIST_QUERY.includeArchived },
    response: { status: 200, description: 'The count', schema: z.object({ count: z.int() }) },
    handler: async ({ c, query }) => {
      const where = parseFilter(query['filter'])
      const count = await service(c).count({
        ...(where !== undefined ? { where } : {}),
        ...(query['includeArchived'] ? { includeArchived: query['includeArchived'] === 'true' } : {}),
      })
      return c.json({ count }, 200)
    },
  })
  if (entity.searchable) {
    addRoute(app, table, basePath, {
      method: 'get',
      path: `${base}/search`,
      operationId: `${id}.search`,
      summary: `Search ${entity.collection}`,
      description: 'Full-text search, best matches first.',
      tags,
      query: SEARCH_QUERY,
      response: {
        status: 200,
        description: 'The matches',
        schema: z.object({ data: z.array(schemas.record) }),
      },
      handler: async ({ c, query }) => {
        const where = parseFilter(query['filter'])
        const data = await service(c).search(query['q'] ?? '', {
          ...(where !== undefined ? { where } : {}),
          ...(query['limit'] ? { limit: Number(query['limit']) } : {}),
          ...(query['includeArchived'] ? { includeArchived: query['includeArchived'] === 'true' } : {}),
        })
        return c.json({ data: wireRecords(data) }, 200)
      },
    })
  }
  addRoute<Record<string, unknown>>(app, table, basePath, {
    method: 'post',
    path: base,
    operationId: `${id}.create`,
    summary: `Create a ${label}`,
    tags,
    body: { schema: schemas.create, required: true },
    response: { status: 201, description: 'Created; ETag is its version', schema: schemas.record },
    handler: async ({ c, body }) => {
      const record = await service(c).create(body)
      const location = `${new URL(c.req.url).pathname.replace(/\/$/, '')}/${encodeURIComponent(String(record['id']))}`
      return recordResponse(c, record, 201, { Location: location })
    },
  })
  addRoute(app, table, basePath, {
    method: 'get',
    path: `${base}/{id}`,
    operationId: `${id}.get`,
    summary: `Get a ${label}`,
    tags,
    headers: ['If-None-Match'],
    response: { status: 200, description: 'The record; ETag is its version', schema: schemas.record },
    handler: async ({ c, params }) => {
      const record = await service(c).get(params['id']!)
      const response = recordResponse(c, record)
      const etag = response.headers.get('ETag')!
      if (c.req.header('if-none-match') === etag) {
        return c.body(null, 304, { ETag: etag, 'Cache-Control': 'private, no-cache' })
      }
      return response
    },
  })
  addRoute<Record<string, unknown>>(app, table, basePath, {
    method: 'patch',
    path: `${base}/{id}`,
    operationId: `${id}.update`,
    summary: `Update a ${label}`,
    description: 'A partial update. With If-Match, a stale version answers 412 and writes nothing.',
    tags,
    headers: ['If-Match'],
    body: { schema: schemas.update, required: true },
    response: { status: 200, description: 'The updated record', schema: schemas.record },
    handler: async ({ c, params, body }) => {
      const expectedVersion = expectedVersionOf(c, options.requireIfMatch)
      const record = await service(c).update(
        params['id']!,
        body,
        expectedVersion === undefined ? {} : { expectedVersion },
      )
      return recordResponse(c, record)
    },
  })
  for (const verb of ['archive', 'restore'] as const) {
    addRoute(app, table, basePath, {
      method: 'post',
      path: `${base}/{id}/${verb}`,
      operationId: `${id}.${verb}`,
      summary: `${verb === 'archive' ? 'Archive' : 'Restore'} a ${label}`,
      tags,
      headers: ['If-Match'],
      response: { status: 200, description: 'The record', schema: schemas.record },
      handler: async ({ c, params }) => {
        const expectedVersion = expectedVersionOf(c, options.requireIfMatch)
        const opts = expectedVersion === undefined ? {} : { expectedVersion }
        const record = await service(c)[verb](params['id']!, opts)
        return recordResponse(c, record)
      },
    })
  }
  addRoute(app, table, basePath, {
    method: 'delete',
    path: `${base}/{id}`,
    operationId: `${id}.delete`,
    summary: `Delete a ${label}`,
    tags,
    headers: ['If-Match'],
    response: { status: 204, description: 'Deleted' },
    handler: async ({ c, params }) => {
      const expectedVersion = expectedVersionOf(c, options.requireIfMatch)
      await service(c).delete(params['id']!, expectedVersion === undefined ? {} : { expectedVersion })
      return c.body(null, 204)
    },
  })
}
