import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { createRapportMcpServer } from './create-mcp-server.js'
import type { RapportMcpOptions } from './mcp-options.js'

/**
 * Serves the CRM's tools over stdio (for desktop agents that start the server as a child process), until stdin ends.
 *
 * @example
 * ```ts
 * // agent.ts, started by the agent host with `node agent.ts`
 * await serveStdio({ crm, actor: { id: 'assistant' }, writes: ['log_activity', 'create_task'] })
 * ```
 */
export async function serveStdio(options: RapportMcpOptions): Promise<void> {
  const server = createRapportMcpServer(options)
  await server.connect(new StdioServerTransport())
}
