import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CrmServices } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { CrmDescription } from '@rapport/core/plugin'
import { toWireSchema } from '@rapport/server'
import type * as z from 'zod'
import { run } from '../tool-result.js'

/** The tool name of a plugin operation: `plugin_operation` in snake case. */
export function operationToolName(plugin: string, name: string): string {
  return `${plugin}_${name}`.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`).replace(/-/g, '_')
}

/** Registers the operations plugins expose: read ones always, write ones when switched on. */
export function registerOperationTools(
  server: McpServer,
  crm: CrmServices,
  actor: Actor | null,
  description: CrmDescription,
  enabled: (name: string) => boolean,
): void {
  for (const { plugin, name, operation } of description.operations) {
    const tool = operationToolName(plugin, name)
    if (operation.effect === 'write' && !enabled(tool)) continue
    server.registerTool(
      tool,
      {
        title: `${plugin}: ${name}`,
        description: operation.description,
        inputSchema: toWireSchema(operation.input as z.ZodType) as z.ZodObject,
        annotations: {
          readOnlyHint: operation.effect === 'read',
          destructiveHint: false,
          openWorldHint: false,
        },
      },
      (input: unknown) => run(async () => operation.run(input, { crm, tenantId: crm.tenantId, actor })),
    )
  }
}
