import { RapportError } from '@rapport/core'
import type { CrmDescription, OperationDescription } from '@rapport/core/plugin'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { kebab } from '../http/naming.js'

/** The REST path of a plugin operation: under its entity's collection, or under `/plugins/{plugin}`. */
export function operationPath(description: CrmDescription, op: OperationDescription): string {
  const entity = op.operation.entity
    ? description.entities.find((e) => e.name === op.operation.entity)
    : undefined
  const name = kebab(op.name)
  if (!entity) return `/plugins/${op.plugin}/${name}`
  return op.operation.record
    ? `/${kebab(entity.collection)}/{id}/${name}`
    : `/${kebab(entity.collection)}/${name}`
}

/**
 * `POST` routes for the operations plugins expose. A record operation takes its `id` from the path and the rest of
 * its input from the body; the operation runs with the request's scoped services.
 */
export function addOperationRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  description: CrmDescription,
): void {
  for (const op of description.operations) {
    const { operation } = op
    const path = operationPath(description, op)
    const input = operation.input as z.ZodType
    const isObject = input instanceof z.ZodObject
    const bodySchema =
      operation.record && isObject && 'id' in input.shape ? (input as z.ZodObject).omit({ id: true }) : input
    addRoute<Record<string, unknown> | undefined>(app, table, basePath, {
      method: 'post',
      path,
      operationId: `${op.plugin}.${op.name}`,
      summary: operation.description,
      description: `Plugin \`${op.plugin}\`, ${operation.effect === 'read' ? 'read-only' : 'writes'}.`,
      tags: [op.plugin],
      body: { schema: bodySchema, required: !bodySchema.safeParse({}).success },
      response: {
        status: 200,
        description: 'The operation’s result',
        ...(operation.output ? { schema: operation.output } : {}),
      },
      handler: async ({ c, params, body }) => {
        const crm = c.get('rapport')
        const auth = c.get('auth')
        const raw = operation.record ? { ...(body ?? {}), id: params['id'] } : (body ?? {})
        const parsed = await input.safeParseAsync(raw)
        if (!parsed.success) {
          throw new RapportError('VALIDATION_FAILED', 'The input failed validation', {
            details: {
              issues: parsed.error.issues.map((i) => ({
                path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
                message: i.message,
                code: i.code,
              })),
            },
          })
        }
        const result = await operation.run(parsed.data, { crm, tenantId: crm.tenantId, actor: auth.actor })
        return c.json(result === undefined ? null : result, 200)
      },
    })
  }
}
