import { dealContactEntity } from '@rapport/core/entities'
import type { CrmDescription } from '@rapport/core/plugin'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { wireRecord } from '../http/wire-record.js'
import { entitySchemas } from './entity-routes.js'

const systemShape = {
  id: z.string(),
  tenantId: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.int(),
  archivedAt: z.date().nullable(),
}

const dealContactSchema = z.object({ ...systemShape, ...dealContactEntity.shape }).meta({ id: 'DealContact' })

const roleBody = z
  .object({
    role: z.string().max(100).nullable().optional().describe('The contact’s role on the deal, e.g. champion'),
    isPrimary: z.boolean().optional().describe('Whether this is the deal’s primary contact'),
  })
  .strict()
  .meta({ id: 'DealContactRole' })

/**
 * The contacts on a deal with their roles: `GET /deals/{id}/contacts` (primary first), `PUT
 * /deals/{id}/contacts/{contactId}` (links, or updates the role of an existing link) and `DELETE
 * /deals/{id}/contacts/{contactId}`. An unknown deal or contact, or one outside the caller's access, is 404.
 */
export function addDealContactRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  description: CrmDescription,
): void {
  const tags = ['deals']
  const contact = entitySchemas(description.entities.find((e) => e.name === 'contact')!).record
  addRoute(app, table, basePath, {
    method: 'get',
    path: '/deals/{id}/contacts',
    operationId: 'deals.listContacts',
    summary: 'The contacts on a deal with their roles, primary contact first',
    tags,
    response: {
      status: 200,
      description: 'The contacts and their roles',
      schema: z.object({
        data: z.array(
          z.object({
            contact,
            role: z.string().nullable(),
            isPrimary: z.boolean(),
          }),
        ),
      }),
    },
    handler: async ({ c, params }) => {
      const entries = await c.get('rapport').deals.listContacts(params['id']!)
      const data = entries.map((e) => ({
        ...e,
        contact: wireRecord(e.contact as unknown as Record<string, unknown>),
      }))
      return c.json({ data }, 200)
    },
  })
  addRoute<{ role?: string | null; isPrimary?: boolean }>(app, table, basePath, {
    method: 'put',
    path: '/deals/{id}/contacts/{contactId}',
    operationId: 'deals.addContact',
    summary: 'Put a contact on a deal with a role (again: updates the role)',
    tags,
    body: { schema: roleBody, required: false },
    response: { status: 200, description: 'The link', schema: dealContactSchema },
    handler: async ({ c, params, body }) => {
      const link = await c.get('rapport').deals.addContact(params['id']!, params['contactId']!, body ?? {})
      return c.json(wireRecord(link as unknown as Record<string, unknown>), 200)
    },
  })
  addRoute(app, table, basePath, {
    method: 'delete',
    path: '/deals/{id}/contacts/{contactId}',
    operationId: 'deals.removeContact',
    summary: 'Take a contact off a deal',
    description: '404 NOT_FOUND when the contact is not on the deal.',
    tags,
    response: { status: 204, description: 'Removed' },
    handler: async ({ c, params }) => {
      await c.get('rapport').deals.removeContact(params['id']!, params['contactId']!)
      return c.body(null, 204)
    },
  })
}
