import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import type { AuthResult } from '@rapport/server'
import { createRapportMcpServer } from './create-mcp-server.js'
import type { RapportMcpOptions } from './mcp-options.js'

/** Options of {@link createMcpHttpHandler}: the server options without the actor, which comes from each request. */
export interface McpHttpOptions extends Omit<RapportMcpOptions, 'actor' | 'tenantId'> {
  /** The host's authentication: the actor and tenant of a request, or `null` to answer 401. */
  authenticate(request: Request): AuthResult | null | Promise<AuthResult | null>
}

/**
 * A fetch handler serving MCP over streamable HTTP, statelessly: each request authenticates, gets a server acting
 * as its actor, and is answered as JSON. Mount it on any fetch-based router (Hono, Bun, Deno, workers).
 *
 * @example
 * ```ts
 * const mcp = createMcpHttpHandler({ crm, authenticate: (req) => verifyApiKey(req.headers.get('authorization')) })
 * app.all('/mcp', (c) => mcp(c.req.raw))
 * ```
 */
export function createMcpHttpHandler(options: McpHttpOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const auth = await options.authenticate(request)
    if (!auth) {
      return new Response(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: null }),
        {
          status: 401,
          headers: { 'content-type': 'application/json' },
        },
      )
    }
    const server = createRapportMcpServer({
      ...options,
      actor: auth.actor,
      ...(auth.tenantId ? { tenantId: auth.tenantId } : {}),
    })
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true })
    await server.connect(transport)
    try {
      return await transport.handleRequest(request)
    } finally {
      await server.close()
    }
  }
}
