import type { CrmDescription } from '@rapport/core/plugin'
import type { ConvertLeadOptions } from '@rapport/core/services'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { expectedVersionOf } from '../http/if-match.js'
import { recordResponse } from './entity-routes.js'

/**
 * Record actions of core services beyond CRUD and stage moves: lead conversion, a ticket's first response and its SLA
 * status.
 */
export function addRecordActionRoutes(
  app: RapportApp,
  table: RouteTable,
  basePath: string,
  description: CrmDescription,
  options: { readonly requireIfMatch: boolean },
): void {
  const schemaOf = (name: string) => description.entities.find((e) => e.name === name)!
  const contact = schemaOf('contact')
  const company = schemaOf('company')
  const deal = schemaOf('deal')
  const mapping = z.record(z.string(), z.string())
  const convertBody = z
    .object({
      contact: contact.updateSchema.optional().describe('Extra or overriding contact fields'),
      company: z
        .union([z.boolean(), company.updateSchema])
        .optional()
        .describe('Create or link a company (default when the lead names one); false skips it'),
      deal: z
        .union([z.boolean(), deal.updateSchema])
        .optional()
        .describe('Create a deal: true uses the default deal pipeline, an object sets its fields'),
      existing: z
        .enum(['link', 'create', 'fail'])
        .optional()
        .describe('When a contact with the email or a company with the domain exists: link, create or fail'),
      mapping: z
        .object({ contact: mapping.optional(), company: mapping.optional(), deal: mapping.optional() })
        .strict()
        .optional(),
      reason: z.string().min(1).max(1000).optional(),
    })
    .strict()
    .meta({ id: 'LeadConversionRequest' })
  const recordRef = (entity: typeof contact) => entity.recordSchema
  addRoute<ConvertLeadOptions>(app, table, basePath, {
    method: 'post',
    path: '/leads/{id}/convert',
    operationId: 'leads.convert',
    summary: 'Convert a lead into a contact, and optionally a company and a deal',
    tags: ['leads'],
    headers: ['If-Match'],
    body: { schema: convertBody, required: false },
    response: {
      status: 200,
      description: 'What the conversion created or linked',
      schema: z.object({
        lead: recordRef(schemaOf('lead')),
        contact: recordRef(contact),
        company: recordRef(company).nullable(),
        deal: recordRef(deal).nullable(),
        linked: z.object({ contact: z.boolean(), company: z.boolean() }),
        relinked: z.array(z.string()),
      }),
    },
    handler: async ({ c, params, body }) => {
      const expectedVersion = expectedVersionOf(c, options.requireIfMatch)
      const result = await c.get('rapport').leads.convert(params['id']!, {
        ...body,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      })
      return c.json(result, 200)
    },
  })
  const metric = z
    .object({
      targetMinutes: z.number(),
      dueAt: z.date().nullable().describe('null while the clock is paused'),
      achievedAt: z.date().nullable(),
      elapsedMs: z.number().describe('Business milliseconds used so far'),
      state: z.enum(['on_track', 'at_risk', 'breached', 'met']),
      paused: z.boolean(),
    })
    .nullable()
  addRoute<{ at?: Date }>(app, table, basePath, {
    method: 'post',
    path: '/tickets/{id}/first-response',
    operationId: 'tickets.recordResponse',
    summary: "Record a ticket's first response (now, or at a given instant)",
    description:
      'Stops the first-response SLA clock. Idempotent: when a first response is already recorded, the ticket is ' +
      'returned unchanged.',
    tags: ['tickets'],
    body: {
      schema: z
        .object({ at: z.date().optional().describe('When the first response was sent; default now') })
        .strict()
        .meta({ id: 'TicketResponseRequest' }),
      required: false,
    },
    response: {
      status: 200,
      description: 'The ticket; ETag is its version',
      schema: schemaOf('ticket').recordSchema,
    },
    handler: async ({ c, params, body }) => {
      const options = body?.at === undefined ? {} : { at: body.at }
      const ticket = await c.get('rapport').tickets.recordResponse(params['id']!, options)
      return recordResponse(c, ticket as unknown as Record<string, unknown>)
    },
  })
  addRoute(app, table, basePath, {
    method: 'get',
    path: '/tickets/{id}/sla',
    operationId: 'tickets.sla',
    summary: "A ticket's SLA status: first response and resolution against its policy",
    tags: ['tickets'],
    response: {
      status: 200,
      description: 'The SLA status',
      schema: z.object({ firstResponse: metric, resolution: metric }).meta({ id: 'SlaStatus' }),
    },
    handler: async ({ c, params }) => c.json(await c.get('rapport').tickets.sla(params['id']!), 200),
  })
}
