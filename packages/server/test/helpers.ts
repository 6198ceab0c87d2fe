import type { CrmPlugin } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import type { RapportServerOptions } from '../src/index.js'
import { createRapportServer } from '../src/index.js'

/** A CRM on in-memory SQLite with a B2B pipeline, served by a Rapport server; `call` sends JSON requests. */
export async function setupServer(
  options: Partial<RapportServerOptions> & { plugins?: readonly CrmPlugin[] } = {},
) {
  const crm = createCrm({
    storage: createSqliteStorage({ file: ':memory:' }),
    plugins: options.plugins ?? [],
    actor: { id: 'system' },
  })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({
    name: 'B2B',
    entityType: 'deal',
    policy: 'noSkip',
    stages: [
      { name: 'Prospecting', probability: 10 },
      { name: 'Qualification', probability: 30 },
      { name: 'Proposal', probability: 60, requiredFields: ['amount'] },
      { name: 'Won', kind: 'won', probability: 100 },
      { name: 'Lost', kind: 'lost', probability: 0 },
    ],
  })
  const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!.id
  const app = createRapportServer({
    crm,
    authenticate: (c) => {
      const user = c.req.header('x-user')
      return user
        ? {
            actor: { id: user },
            ...(c.req.header('x-tenant') ? { tenantId: c.req.header('x-tenant')! } : {}),
          }
        : null
    },
    onUnexpectedError: (error) => {
      throw error
    },
    ...options,
  })
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any; headers: Headers }> => {
    const res = await app.request(path, {
      method,
      headers: {
        'x-user': 'u1',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers }
  }
  return { crm, app, call, pipeline, stage, close: () => crm.close() }
}
