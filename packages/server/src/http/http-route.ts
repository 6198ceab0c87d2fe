import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import { RapportError } from '@rapport/core'
import type { Context } from 'hono'
import * as z from 'zod'
import type { RapportVariables } from '../server-options.js'
import { toWireSchema } from '../wire-schema.js'
import { readJsonBody } from './read-json-body.js'

/** The Hono app type the server builds on. */
export type RapportApp = OpenAPIHono<{ Variables: RapportVariables }>

/** What a route handler receives, validated. */
export interface RouteInput<B> {
  readonly c: Context<{ Variables: RapportVariables }>
  readonly params: Record<string, string>
  readonly query: Record<string, string>
  readonly body: B
}

/** One route: its OpenAPI description and its handler. */
export interface HttpRoute<B = unknown> {
  readonly method: 'get' | 'post' | 'patch' | 'put' | 'delete'
  /** OpenAPI-style path, e.g. `/contacts/{id}`. */
  readonly path: string
  readonly operationId: string
  readonly summary: string
  readonly description?: string
  readonly tags: readonly string[]
  /** Query parameters: every one is a string on the wire; any other parameter is refused. */
  readonly query?: Readonly<Record<string, { readonly description: string; readonly schema?: z.ZodType }>>
  /** The JSON body, validated in its wire form (ISO dates decoded). */
  readonly body?: { readonly schema: z.ZodType; readonly required: boolean; readonly description?: string }
  /** The main success response. */
  readonly response: { readonly status: number; readonly description: string; readonly schema?: z.ZodType }
  /** Headers the route reads, for the document. */
  readonly headers?: readonly ('If-Match' | 'If-None-Match')[]
  handler(input: RouteInput<B>): Promise<Response>
}

const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().describe('The stable RapportError code'),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Problem' })

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
})

/** A registry of the server's routes, for 405 answers (`Allow`) and duplicate checks. */
export class RouteTable {
  readonly #routes: { readonly method: string; readonly pattern: RegExp; readonly path: string }[] = []

  add(method: string, path: string): void {
    if (this.#routes.some((r) => r.method === method && r.path === path)) {
      throw new RapportError('INVALID_CONFIG', `Two routes answer ${method.toUpperCase()} ${path}`)
    }
    const source = path
      .split('/')
      .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')
    this.#routes.push({ method, path, pattern: new RegExp(`^${source}/?$`) })
  }

  /** The methods some route answers at this path (empty: no such path). */
  methodsAt(path: string): string[] {
    return [...new Set(this.#routes.filter((r) => r.pattern.test(path)).map((r) => r.method.toUpperCase()))]
  }
}

/** Registers a route with the OpenAPI registry and installs its validating handler. */
export function addRoute<B>(app: RapportApp, table: RouteTable, basePath: string, route: HttpRoute<B>): void {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
  const config: RouteConfig = {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    request: {
      ...(pathParams.length > 0
        ? { params: z.object(Object.fromEntries(pathParams.map((p) => [p, z.string().min(1).max(200)]))) }
        : {}),
      ...(route.query
        ? {
            query: z.object(
              Object.fromEntries(
                Object.entries(route.query).map(([k, q]) => [
                  k,
                  z.string().optional().describe(q.description),
                ]),
              ),
            ),
          }
        : {}),
      ...(route.headers?.length
        ? {
            headers: z.object(
              Object.fromEntries(
                route.headers.map((h) => [
                  h.toLowerCase(),
                  z
                    .string()
                    .optional()
                    .describe(h === 'If-Match' ? 'The ETag of the version you read' : 'An ETag'),
                ]),
              ),
            ),
          }
        : {}),
      ...(route.body
        ? {
            body: {
              required: route.body.required,
              ...(route.body.description ? { description: route.body.description } : {}),
              content: { 'application/json': { schema: route.body.schema } },
            },
          }
        : {}),
    },
    responses: {
      [route.response.status]: {
        description: route.response.description,
        ...(route.response.schema
          ? { content: { 'application/json': { schema: route.response.schema } } }
          : {}),
      },
      '4XX': problemResponse('The request was refused; `code` says why'),
      default: problemResponse('A server-side failure'),
    },
  }
  app.openAPIRegistry.registerPath(config)
  table.add(route.method, route.path)

  const wireBody = route.body ? toWireSchema(route.body.schema) : null
  const allowedQuery = new Set(Object.keys(route.query ?? {}))
  const honoPath = `${basePath}${route.path.replace(/\{(\w+)\}/g, ':$1')}`
  app.on(route.method.toUpperCase(), honoPath, async (c) => {
    const params: Record<string, string> = {}
    for (const name of pathParams) params[name] = c.req.param(name) ?? ''
    const query: Record<string, string> = {}
    for (const [key, values] of Object.entries(c.req.queries())) {
      if (!allowedQuery.has(key)) {
        throw new RapportError('HTTP_BAD_REQUEST', `Unknown query parameter "${key.slice(0, 100)}"`, {
          details: { parameter: key.slice(0, 100), allowed: [...allowedQuery] },
        })
      }
      if (values.length !== 1) {
        throw new RapportError('HTTP_BAD_REQUEST', `The query parameter "${key}" is given more than once`, {
          details: { parameter: key },
        })
      }
      const spec = route.query?.[key]
      const value = values[0]!
      if (value.includes('\u0000')) {
        // No parameter means anything with a NUL in it, and some storage engines choke on one.
        throw new RapportError('HTTP_BAD_REQUEST', `The query parameter "${key}" contains a NUL character`, {
          details: { parameter: key },
        })
      }
      if (spec?.schema) {
        const parsed = spec.schema.safeParse(value)
        if (!parsed.success) {
          throw new RapportError('HTTP_BAD_REQUEST', `Invalid query parameter "${key}"`, {
            details: { parameter: key, issues: parsed.error.issues.map((i) => i.message) },
          })
        }
      }
      query[key] = value
    }
    let body: unknown
    if (wireBody) {
      const raw = await readJsonBody(c)
      if (raw === undefined && route.body?.required) {
        throw new RapportError('VALIDATION_FAILED', 'A JSON body is required', {
          details: { issues: [{ path: [], message: 'Required', code: 'invalid_type' }] },
        })
      }
      if (raw !== undefined) {
        const parsed = wireBody.safeParse(raw)
        if (!parsed.success) {
          throw new RapportError('VALIDATION_FAILED', 'The body failed validation', {
            details: {
              issues: parsed.error.issues.map((i) => ({
                path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
                message: i.message,
                code: i.code,
              })),
            },
          })
        }
        body = parsed.data
      }
    }
    return route.handler({ c, params, query, body: body as B })
  })
}
