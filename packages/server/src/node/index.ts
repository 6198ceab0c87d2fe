/**
 * `@rapport/server/node`: serve a Rapport server (or any Hono app) on Node's HTTP server.
 *
 * @example
 * ```ts
 * import { serve } from '@rapport/server/node'
 *
 * const server = await serve(app, { port: 8787 })
 * console.log(`listening on ${server.url}`)
 * await server.close()
 * ```
 *
 * @packageDocumentation
 */

import type { AddressInfo } from 'node:net'
import { serve as honoServe } from '@hono/node-server'

/** A running Node server. */
export interface NodeServer {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly url: string
  readonly port: number
  /** Stops accepting connections and resolves when the server is closed. */
  close(): Promise<void>
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** The port; 0 (default) picks a free one. */
  readonly port?: number
  /** The interface to bind (default `127.0.0.1`). */
  readonly hostname?: string
}

/**
 * Serves a fetch handler (a Rapport server) on Node, resolving once it listens.
 *
 * @example
 * ```ts
 * const { url, close } = await serve(app, { port: 0 })
 * ```
 */
export function serve(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  options: ServeOptions = {},
): Promise<NodeServer> {
  const hostname = options.hostname ?? '127.0.0.1'
  return new Promise((resolve) => {
    const server = honoServe({ fetch: app.fetch, port: options.port ?? 0, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
          }),
      })
    })
  })
}
