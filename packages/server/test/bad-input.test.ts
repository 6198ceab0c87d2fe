import { marketingPlugin } from '@rapport/marketing'
import { productsPlugin } from '@rapport/sales/products'
import { receivablesPlugin } from '@rapport/sales/receivables'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from './helpers.js'

type Setup = Awaited<ReturnType<typeof setupServer>>
let s: Setup
let contactId: string
let dealId: string
/** Real ids of the plugin collections, so the fuzz reaches the operations' own validation. */
let pluginIds: Record<string, string>
let doc: { paths: Record<string, Record<string, OpenApiOperation>> }

interface OpenApiOperation {
  parameters?: { name: string; in: string }[]
  requestBody?: unknown
}

/** Everything a write could change, so a test can show that refused requests wrote nothing. */
async function fingerprint(): Promise<string> {
  const parts: string[] = []
  for (const entity of s.crm.describe().entities) {
    const page = await s.crm.entity(entity.name).list({ includeArchived: true, limit: 500 })
    parts.push(
      `${entity.name}:${page.items.map((r) => `${(r as { id: string }).id}@${(r as { version: number }).version}`).join(',')}`,
    )
  }
  return parts.join('\n')
}

function expectProblem(res: { status: number; body: any; headers: Headers }, status?: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400)
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  expect(typeof res.body.code).toBe('string')
  expect(res.body.status).toBe(res.status)
  if (status !== undefined) expect(res.status, JSON.stringify(res.body)).toBe(status)
  if (code !== undefined) expect(res.body.code).toBe(code)
}

/** The KPI and survey operations of `@rapport/marketing` (define, compute, series, alerts; record and list responses). */
const kpiSurveyPaths = [
  '/plugins/marketing/define-kpi',
  '/plugins/marketing/list-kpis',
  '/plugins/marketing/compute-kpi',
  '/plugins/marketing/kpi-series',
  '/plugins/marketing/alert-kpi',
  '/plugins/marketing/list-kpi-alerts',
  '/plugins/marketing/remove-kpi-alert',
  '/plugins/marketing/record-survey-response',
  '/plugins/marketing/list-survey-responses',
]

/** A concrete path for an OpenAPI template: real ids where a route needs a record. */
function concrete(template: string): string {
  const collection = template.split('/')[1]!
  const id = collection === 'deals' ? dealId : (pluginIds[collection] ?? contactId)
  return template.replace('{id}', id)
}

beforeAll(async () => {
  // The sales and marketing plugins add collections and operations, so the fuzz covers their routes too.
  s = await setupServer({
    bodyLimit: 8 * 1024,
    plugins: [receivablesPlugin(), productsPlugin(), marketingPlugin()],
  })
  contactId = (await s.call('POST', '/contacts', { firstName: 'Fixed' })).body.id
  dealId = (
    await s.call('POST', '/deals', {
      name: 'Fixed',
      pipelineId: s.pipeline.id,
      stageId: s.stage('Prospecting'),
    })
  ).body.id
  const created = async (path: string, body: unknown) => {
    const res = await s.call('POST', path, body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }
  pluginIds = {
    contracts: await created('/contracts', {
      name: 'Fixed',
      currency: 'EUR',
      amountMinor: 1000,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    }),
    segments: await created('/segments', { name: 'Fixed', entity: 'contact', kind: 'static' }),
    campaigns: await created('/campaigns', { name: 'Fixed' }),
    products: await created('/products', { code: 'FIX-1', name: 'Fixed' }),
    'price-books': await created('/price-books', { name: 'Fixed', currency: 'EUR' }),
  }
  doc = (await s.call('GET', '/openapi.json')).body
})
afterAll(() => s.close())

describe('bad input: each kind gets the right problem+json, and writes nothing', () => {
  it('malformed JSON, wrong media type, oversized body, unknown routes and methods, bad If-Match', async () => {
    const before = await fingerprint()
    expectProblem(await s.call('POST', '/contacts', '{"firstName": "A",'), 400, 'HTTP_MALFORMED_JSON')
    expectProblem(
      await s.call('POST', '/contacts', 'firstName=A', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
    )
    expectProblem(
      await s.call('POST', '/contacts', { firstName: 'x'.repeat(10_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    expectProblem(
      await s.call('POST', '/contacts', { firstName: 'A', bogus: true }),
      422,
      'VALIDATION_FAILED',
    )
    expectProblem(await s.call('GET', '/contacts?colour=blue'), 400, 'HTTP_BAD_REQUEST')
    expectProblem(await s.call('GET', '/contacts?limit=1&limit=2'), 400, 'HTTP_BAD_REQUEST')
    expectProblem(await s.call('GET', '/contacts?limit=0'), 400, 'HTTP_BAD_REQUEST')
    expectProblem(await s.call('GET', '/contacts?filter=%7Bnope'), 400, 'INVALID_FILTER')
    expectProblem(
      await s.call('GET', `/contacts?filter=${encodeURIComponent('{"field":"nope","op":"eq","value":1}')}`),
      400,
      'INVALID_FILTER',
    )
    expectProblem(await s.call('GET', '/contacts?cursor=garbage'), 400, 'INVALID_CURSOR')
    expectProblem(await s.call('GET', '/no/such/route'), 404, 'HTTP_ROUTE_NOT_FOUND')
    const wrongMethod = await s.call('PUT', '/contacts')
    expectProblem(wrongMethod, 405, 'HTTP_METHOD_NOT_ALLOWED')
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST')
    expectProblem(
      await s.call('PATCH', `/contacts/${contactId}`, { title: 'x' }, { 'if-match': '"7"' }),
      412,
      'VERSION_CONFLICT',
    )
    expectProblem(
      await s.call('PATCH', `/contacts/${contactId}`, { title: 'x' }, { 'if-match': 'seven' }),
      400,
    )
    expectProblem(await s.call('DELETE', `/contacts/${contactId}`, undefined, { 'if-match': '"9"' }), 412)
    expectProblem(await s.call('GET', '/contacts/con_missing'), 404, 'NOT_FOUND')
    expect(await fingerprint()).toBe(before)
  })

  it('a fuzz over the OpenAPI document: ≥ 1,000 generated bad requests, never a 500, nothing written', async () => {
    const before = await fingerprint()
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    )
    // The plugins' operations are in the document, so they are fuzzed like the core routes.
    for (const path of [
      '/contracts/{id}/record-payment',
      '/contracts/aging',
      '/segments/{id}/count-members',
      '/products/{id}/lookup-price',
      ...kpiSurveyPaths,
    ]) {
      expect(operations.some((o) => o.path === path)).toBe(true)
    }
    const withBody = operations.filter((o) => o.op.requestBody)
    const withQuery = operations.filter((o) => o.op.parameters?.some((p) => p.in === 'query'))
    const withId = operations.filter((o) => o.path.includes('{id}'))
    const json = fc.jsonValue({ maxDepth: 3 })
    const text = fc.string({ unit: 'binary', maxLength: 40 })
    let sent = 0
    const send = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      sent++
      return s.call(method, path, body, headers)
    }

    // The KPI and survey operations, each on its own: random JSON bodies (strict schemas, typed service errors).
    for (const path of kpiSurveyPaths) {
      for (const junk of fc.sample(json, { numRuns: 15, seed: 1400 })) {
        expectProblem(await send('POST', path, [junk]))
        expectProblem(await send('POST', path, { zz_unknown_field: junk }))
      }
    }

    // Bodies: random JSON with an unknown key (strict schemas must refuse), random non-objects, broken JSON text.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody),
        json,
        fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }),
        async (o, junk, extra) => {
          expectProblem(await send(o.method, concrete(o.path), { ...extra, zz_unknown_field: junk }))
          expectProblem(await send(o.method, concrete(o.path), JSON.stringify(junk).slice(0, -1) || '{'))
        },
      ),
      { numRuns: 150, seed: 1401 },
    )
    // Query strings: unknown parameters, and random values for the known ones (filters as random JSON trees).
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withQuery), text, json, async (o, value, tree) => {
        const names = o.op.parameters!.filter((p) => p.in === 'query').map((p) => p.name)
        expectProblem(await send(o.method, `${concrete(o.path)}?zz${encodeURIComponent(value)}=1`), 400)
        const name = names[Math.abs(JSON.stringify(tree).length) % names.length]!
        const garbage = name === 'filter' ? JSON.stringify(tree) : `${value}\u0000`
        const res = await send(o.method, `${concrete(o.path)}?${name}=${encodeURIComponent(garbage)}`)
        expect(res.status, `${o.path}?${name}=${garbage} → ${JSON.stringify(res.body)}`).toBeLessThan(500)
      }),
      { numRuns: 150, seed: 1402 },
    )
    // Ids and headers: random ids are 404s; malformed or stale If-Match never writes.
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withId), text, fc.nat(1000), async (o, id, version) => {
        const res = await send(
          o.method,
          o.path.replace('{id}', encodeURIComponent(`x${id}`)),
          o.op.requestBody ? {} : undefined,
        )
        expectProblem(res)
        // Record writes take If-Match; sub-resources with their own key (deal contacts) have no version.
        const versioned =
          (['PATCH', 'DELETE'].includes(o.method) ||
            o.path.endsWith('/archive') ||
            o.path.endsWith('/stage')) &&
          o.path.split('{').length === 2
        if (versioned && /^\/(contacts|deals)\/\{id\}/.test(o.path)) {
          const body =
            o.method === 'DELETE'
              ? undefined
              : o.path.endsWith('/stage')
                ? { stageId: s.stage('Qualification') }
                : o.method === 'PATCH'
                  ? { tags: ['fuzz'] }
                  : undefined
          expectProblem(
            await send(o.method, concrete(o.path), body, { 'if-match': `"${version + 50}"` }),
            412,
          )
          expectProblem(
            await send(o.method, concrete(o.path), body, { 'if-match': `v${encodeURIComponent(id)}x` }),
            400,
          )
        }
      }),
      { numRuns: 200, seed: 1403 },
    )
    // Unknown routes and methods.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        async (segments, method) => {
          const res = await send(method, `/zz/${segments.map(encodeURIComponent).join('/')}`)
          expectProblem(res, 404)
        },
      ),
      { numRuns: 200, seed: 1404 },
    )
    expect(sent).toBeGreaterThanOrEqual(1000)
    expect(await fingerprint()).toBe(before)
  })
})
