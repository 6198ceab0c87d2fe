/**
 * `@rapport/mcp`: the CRM as tools for AI agents, on the official MCP SDK, over stdio and streamable HTTP.
 * Read-only by default; write tools are switched on by name; every call runs as an actor.
 *
 * @example
 * ```ts
 * import { serveStdio } from '@rapport/mcp'
 *
 * await serveStdio({ crm, actor: { id: 'assistant' }, writes: ['log_activity'] })
 * ```
 *
 * @packageDocumentation
 */
export { createRapportMcpServer } from './create-mcp-server.js'
export { createMcpHttpHandler, type McpHttpOptions } from './http-handler.js'
export type { RapportMcpOptions } from './mcp-options.js'
export { serveStdio } from './stdio.js'
export { operationToolName } from './tools/operation-tools.js'
export { writeToolNames } from './tools/write-tools.js'
