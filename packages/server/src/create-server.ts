import { OpenAPIHono } from '@hono/zod-openapi'
import type { RapportError } from '@rapport/core'
import { isRapportError, RapportError as Rapport } from '@rapport/core'
import { Scalar } from '@scalar/hono-api-reference'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { addAnalyticsRoutes } from './analytics/analytics-routes.js'
import type { RapportApp } from './http/http-route.js'
import { RouteTable } from './http/http-route.js'
import { problemOf } from './problem.js'
import { addDealContactRoutes } from './routes/deal-contact-routes.js'
import { addEntityRoutes, entitySchemas } from './routes/entity-routes.js'
import { addOperationRoutes } from './routes/operation-routes.js'
import { addRecordActionRoutes } from './routes/record-action-routes.js'
import { addStageRoutes, canChangePipeline, isStaged } from './routes/stage-routes.js'
import type { RapportServerOptions, RapportVariables } from './server-options.js'
import { addTimelineRoutes } from './timeline/timeline-routes.js'

const DEFAULT_BODY_LIMIT = 1024 * 1024

/** A Rapport REST server: a Hono app. Mount it, or serve its `fetch` on any runtime Hono supports. */
export type RapportServer = OpenAPIHono<{ Variables: RapportVariables }>

/**
 * Creates the REST server of a CRM: collection routes for every core entity and every entity plugins expose, stage
 * moves, lead conversion, search, the customer timeline of contacts and companies (`crm.timeline`), analytics and plugin operations, with an OpenAPI 3.1 document at
 * `/openapi.json` and a reference page at `/reference`. Errors are RFC 9457 `application/problem+json` with the
 * `RapportError` code; client mistakes never answer 500.
 *
 * @example
 * ```ts
 * import { createRapportServer } from '@rapport/server'
 * import { serve } from '@rapport/server/node'
 *
 * const app = createRapportServer({
 *   crm,
 *   authenticate: async (c) => {
 *     const user = await sessions.verify(c.req.header('authorization'))
 *     return user ? { actor: { id: user.id, role: user.role }, tenantId: user.orgId } : null
 *   },
 *   cors: { origin: 'https://app.example.com' },
 * })
 * serve(app, { port: 8787 })
 * ```
 */
export function createRapportServer(options: RapportServerOptions): RapportServer {
  if (typeof options?.authenticate !== 'function') {
    throw new Rapport(
      'INVALID_CONFIG',
      'createRapportServer needs an authenticate hook; pass () => ({ actor: null }) for an open server',
    )
  }
  const { crm } = options
  const description = crm.describe()
  const app: RapportApp = new OpenAPIHono<{ Variables: RapportVariables }>()
  const table = new RouteTable()
  const requireIfMatch = options.requireIfMatch ?? false
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT

  const problem = (c: Context, error: RapportError, headers: Record<string, string> = {}) => {
    const body = problemOf(error, c.get('requestId') as string | undefined, options.statusOf)
    return c.body(JSON.stringify(body), body.status as 400, {
      'Content-Type': 'application/problem+json',
      ...headers,
    })
  }

  app.use('*', requestId({ headerName: 'X-Request-Id' }))
  if (options.cors) {
    app.use(
      '*',
      cors({
        exposeHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After'],
        allowHeaders: ['Content-Type', 'Authorization', 'If-Match', 'If-None-Match', 'X-Request-Id'],
        ...options.cors,
      }),
    )
  }
  const limitBody = bodyLimit({
    maxSize: limit,
    onError: (c) =>
      problem(c, new Rapport('PAYLOAD_TOO_LARGE', `The body exceeds ${limit} bytes`, { details: { limit } })),
  })
  // GET and HEAD carry no body a route reads (and a fetch Request cannot hold one); skipping them matters on Node,
  // where asking @hono/node-server's lightweight request for its body builds a full Request (headers, URL, signal).
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)))
  app.use('*', async (c, next) => {
    if (c.req.path === '/openapi.json' || c.req.path === '/reference') return next()
    const auth = await options.authenticate(c)
    if (!auth) return problem(c, new Rapport('HTTP_UNAUTHENTICATED', 'Authentication required'))
    if (options.rateLimit) {
      const verdict = await options.rateLimit(c, auth)
      if (!verdict.allowed) {
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterSeconds))
        return problem(
          c,
          new Rapport('HTTP_RATE_LIMITED', 'Too many requests', { details: { retryAfter: seconds } }),
          {
            'Retry-After': String(seconds),
          },
        )
      }
    }
    c.set('auth', auth)
    c.set('rapport', crm.scoped({ ...(auth.tenantId ? { tenantId: auth.tenantId } : {}), actor: auth.actor }))
    return next()
  })

  const routeOptions = { requireIfMatch }
  for (const entity of description.entities) {
    addEntityRoutes(app, table, '', entity, routeOptions)
    const service = crm.entity(entity.name)
    if (isStaged(service)) {
      addStageRoutes(app, table, '', entity, entitySchemas(entity), {
        ...routeOptions,
        changePipeline: canChangePipeline(service),
      })
    }
  }
  addRecordActionRoutes(app, table, '', description, routeOptions)
  addDealContactRoutes(app, table, '', description)
  addTimelineRoutes(app, table, '', crm, description.entities, {
    ...(options.timelineHealthScore ? { healthScore: options.timelineHealthScore } : {}),
  })
  addAnalyticsRoutes(app, table, '')
  addOperationRoutes(app, table, '', description)

  app.openAPIRegistry.registerComponent('securitySchemes', 'host', {
    type: 'http',
    scheme: 'bearer',
    description: 'Whatever the host’s authenticate hook accepts (bearer tokens, API keys, cookies)',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: options.info?.title ?? 'Rapport CRM API',
      version: options.info?.version ?? '1',
      ...(options.info?.description ? { description: options.info.description } : {}),
    },
    security: [{ host: [] }],
  })
  if (options.reference !== false) {
    app.get(
      '/reference',
      Scalar({ url: 'openapi.json', pageTitle: options.info?.title ?? 'Rapport CRM API' }),
    )
  }

  app.notFound((c) => {
    const methods = table.methodsAt(c.req.path)
    if (methods.length > 0) {
      return problem(
        c,
        new Rapport('HTTP_METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`, {
          details: { allow: methods },
        }),
        { Allow: methods.join(', ') },
      )
    }
    return problem(
      c,
      new Rapport('HTTP_ROUTE_NOT_FOUND', 'No such route', { details: { path: c.req.path.slice(0, 200) } }),
    )
  })
  app.onError((error, c) => {
    if (isRapportError(error)) {
      return problem(c, error, error.code === 'STORAGE_BUSY' ? { 'Retry-After': '1' } : {})
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'HTTP_BAD_REQUEST'
      return problem(c, new Rapport(code, error.message || 'Bad request'))
    }
    ;(options.onUnexpectedError ?? ((e) => console.error('[rapport/server] unexpected failure', e)))(error, c)
    return problem(c, new Rapport('HTTP_INTERNAL', 'Internal error'))
  })
  return app
}
