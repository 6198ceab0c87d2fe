import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { RapportError } from '@rapport/core'
import type { RapportMcpOptions } from './mcp-options.js'
import { registerAnalyticsTools } from './tools/analytics-tools.js'
import { operationToolName, registerOperationTools } from './tools/operation-tools.js'
import { registerReadTools } from './tools/read-tools.js'
import { recordActionWriteTools, registerRecordActionTools } from './tools/record-action-tools.js'
import { registerWriteTools, writeToolNames } from './tools/write-tools.js'

const DEFAULT_WRITABLE = ['contact', 'company', 'deal', 'lead', 'ticket', 'activity', 'task']

/**
 * Creates an MCP server whose tools act on a CRM as one actor: find, search, list, get, timeline,
 * timeline_figures and list_deal_contacts; pipeline and customer summaries; and, only when switched on by name, create/update per entity,
 * move_stage, change_pipeline, log_activity, create_task, add_deal_contact, remove_deal_contact,
 * record_ticket_response and plugins' write operations. Every call goes through `crm.scoped({ tenantId, actor })`, so the
 * access policy and scope filters apply to the agent as to any user.
 *
 * @example
 * ```ts
 * import { createRapportMcpServer } from '@rapport/mcp'
 * import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
 *
 * const server = createRapportMcpServer({ crm, actor: { id: 'agent-7', role: 'rep' }, writes: ['log_activity'] })
 * await server.connect(new StdioServerTransport())
 * ```
 */
export function createRapportMcpServer(options: RapportMcpOptions): McpServer {
  const { crm } = options
  const description = crm.describe()
  const writable = options.writableEntities ?? DEFAULT_WRITABLE
  const known = new Set([
    ...writeToolNames(writable),
    ...recordActionWriteTools,
    ...description.operations.map((o) => operationToolName(o.plugin, o.name)),
  ])
  const writes = options.writes ?? []
  if (writes !== 'all') {
    const unknown = writes.filter((w) => !known.has(w))
    if (unknown.length > 0) {
      throw new RapportError('INVALID_CONFIG', `Unknown write tools: ${unknown.join(', ')}`, {
        details: { unknown, known: [...known] },
      })
    }
  }
  const enabled = (name: string) => writes === 'all' || writes.includes(name)
  const services = crm.scoped({
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    actor: options.actor,
  })
  const server = new McpServer(options.serverInfo ?? { name: 'rapport-crm', version: '0.1.0' })
  registerReadTools(
    server,
    services,
    description,
    options.timelineHealthScore ? { healthScore: options.timelineHealthScore } : {},
  )
  registerAnalyticsTools(server, services)
  registerWriteTools(server, services, description, writable, enabled)
  registerRecordActionTools(server, services, description, enabled)
  registerOperationTools(server, services, options.actor, description, enabled)
  return server
}
