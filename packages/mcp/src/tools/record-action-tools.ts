import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CrmServices } from '@rapport/core'
import type { CrmDescription } from '@rapport/core/plugin'
import type { ChangePipelineOptions } from '@rapport/core/services'
import * as z from 'zod'
import { run } from '../tool-result.js'

const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const

const WRITE = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
} as const

/** The write tools of record actions, switched on by name like the others. */
export const recordActionWriteTools = [
  'change_pipeline',
  'add_deal_contact',
  'remove_deal_contact',
  'record_ticket_response',
] as const

interface PipelineChanger {
  changePipeline(id: string, pipelineId: string, options: ChangePipelineOptions): Promise<unknown>
}

const id = z.string().min(1).max(200)

/**
 * Registers the actions the REST server also offers beside plain CRUD: the contacts on a deal (read always; add and
 * remove when switched on), moving a record to another pipeline, and a ticket's first response (which stops its SLA
 * clock). The same core service methods back both faces, so an agent and an HTTP client see the same rules.
 */
export function registerRecordActionTools(
  server: McpServer,
  crm: CrmServices,
  description: CrmDescription,
  enabled: (name: string) => boolean,
): void {
  const has = (entity: string) => description.entities.some((e) => e.name === entity)
  if (has('deal') && has('contact')) {
    server.registerTool(
      'list_deal_contacts',
      {
        title: 'Contacts on a deal',
        description:
          'The people involved in a deal, each with their role (decision maker, champion, …) and whether they are ' +
          'the primary contact. Contacts you may not see are left out.',
        inputSchema: { dealId: id.describe('The deal id, e.g. deal_…') },
        annotations: READ_ONLY,
      },
      ({ dealId }) => run(async () => ({ data: await crm.deals.listContacts(dealId) })),
    )
    if (enabled('add_deal_contact')) {
      server.registerTool(
        'add_deal_contact',
        {
          title: 'Put a contact on a deal',
          description:
            'Links a contact to a deal with a role; linking an already linked contact updates its role instead.',
          inputSchema: {
            dealId: id.describe('The deal id'),
            contactId: id.describe('The contact id'),
            role: z.string().min(1).max(100).nullable().optional().describe('e.g. "decision maker"'),
            isPrimary: z.boolean().optional().describe('Whether this is the primary contact of the deal'),
          },
          annotations: { ...WRITE, idempotentHint: true },
        },
        ({ dealId, contactId, role, isPrimary }) =>
          run(() =>
            crm.deals.addContact(dealId, contactId, {
              ...(role !== undefined ? { role } : {}),
              ...(isPrimary !== undefined ? { isPrimary } : {}),
            }),
          ),
      )
    }
    if (enabled('remove_deal_contact')) {
      server.registerTool(
        'remove_deal_contact',
        {
          title: 'Take a contact off a deal',
          description: 'Removes the link between a contact and a deal; the contact itself stays.',
          inputSchema: { dealId: id.describe('The deal id'), contactId: id.describe('The contact id') },
          annotations: { ...WRITE, destructiveHint: true, idempotentHint: false },
        },
        ({ dealId, contactId }) =>
          run(async () => {
            await crm.deals.removeContact(dealId, contactId)
            return { removed: true, dealId, contactId }
          }),
      )
    }
  }
  const changeable = description.entities
    .map((e) => e.name)
    .filter((name) => typeof (crm.entity(name) as unknown as PipelineChanger).changePipeline === 'function')
  if (enabled('change_pipeline') && changeable.length > 0) {
    server.registerTool(
      'change_pipeline',
      {
        title: 'Move a record to another pipeline',
        description:
          'Moves a deal (or another staged record) to a different pipeline. stageMapping maps stage ids of the ' +
          'current pipeline to stage ids of the target one; the current stage must be mapped.',
        inputSchema: {
          entity: z.enum(changeable as [string, ...string[]]).describe('The kind of record'),
          id: id.describe('The record id'),
          pipelineId: id.describe('The target pipeline id'),
          stageMapping: z
            .record(z.string().min(1).max(100), z.string().min(1).max(100))
            .describe('Current stage id → target stage id, e.g. {"qualified":"discovery"}'),
          reason: z.string().min(1).max(1000).optional().describe('Why; kept in the stage history'),
          expectedVersion: z.int().min(1).optional().describe('The version you read'),
        },
        annotations: WRITE,
      },
      ({ entity, id: recordId, pipelineId, stageMapping, reason, expectedVersion }) =>
        run(() =>
          (crm.entity(entity) as unknown as PipelineChanger).changePipeline(recordId, pipelineId, {
            stageMapping,
            ...(reason ? { reason } : {}),
            ...(expectedVersion ? { expectedVersion } : {}),
          }),
        ),
    )
  }
  if (enabled('record_ticket_response') && has('ticket')) {
    server.registerTool(
      'record_ticket_response',
      {
        title: 'Record the first response to a ticket',
        description:
          "Marks that the customer has been answered, which stops the ticket's first-response SLA clock. " +
          'at defaults to now; a ticket answered before keeps its first response time.',
        inputSchema: {
          id: id.describe('The ticket id'),
          at: z.iso.datetime({ offset: true }).optional().describe('When the response was sent (ISO-8601)'),
        },
        annotations: WRITE,
      },
      ({ id: ticketId, at }) =>
        run(() => crm.tickets.recordResponse(ticketId, at ? { at: new Date(at) } : {})),
    )
  }
}
