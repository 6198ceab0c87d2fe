/**
 * `@rapport/server`: Rapport over HTTP. A Hono app with REST routes for every core entity and every entity or
 * operation plugins expose, an OpenAPI 3.1 document generated from the same zod schemas, RFC 9457 problem+json
 * errors and host-owned authentication. It runs on any runtime Hono supports; `@rapport/server/node` serves it on
 * Node.
 *
 * @example
 * ```ts
 * import { createRapportServer } from '@rapport/server'
 *
 * const app = createRapportServer({ crm, authenticate: (c) => ({ actor: { id: c.req.header('x-user') ?? 'anon' } }) })
 * const res = await app.request('/contacts?limit=10')
 * ```
 *
 * @packageDocumentation
 */
export { createRapportServer, type RapportServer } from './create-server.js'
export { ERROR_STATUS, type Problem, problemOf, ServerErrorCodes, statusOfCode } from './problem.js'
export { operationPath } from './routes/operation-routes.js'
export type {
  AuthResult,
  RapportServerOptions,
  RapportVariables,
  RateLimitVerdict,
} from './server-options.js'
export { toWireSchema } from './wire-schema.js'
