import { Writable } from 'node:stream'
import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  exportRecords,
  importRecords,
  importTargets,
  ioPlugin,
  readXlsx,
  suggestMapping,
} from '../src/index.js'

const plugins = [ioPlugin()] as const

function sink() {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  return { stream, bytes: () => Buffer.concat(chunks) }
}

const comparable = (c: object) => {
  const {
    id: _id,
    createdAt: _c,
    updatedAt: _u,
    version: _v,
    tenantId: _t,
    ...rest
  } = c as Record<string, unknown>
  return rest
}

describe.each(ADAPTERS)('export on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>

  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
    await t.crm.customFields.define('contact', { key: 'tier', type: 'select', options: ['gold', 'silver'] })
    await t.crm.customFields.define('contact', { key: 'seats', type: 'number' })
    for (let i = 0; i < 27; i++) {
      await t.crm.contacts.create({
        firstName: i === 0 ? '=HYPERLINK("http://evil")' : `Person ${i}`,
        lastName: i % 3 === 0 ? '王伟' : 'Smith, Jr.',
        emails: [{ address: `p${i}@export.example`, primary: true }],
        phones: i % 2 === 0 ? [{ number: '+14155550101', primary: true }] : [],
        tags: i % 4 === 0 ? ['vip', 'beta'] : [],
        lifecycleStage: i % 5 === 0 ? 'customer' : 'lead',
        title: i === 1 ? '-10% "discount"\nsecond line' : null,
        address: i === 2 ? { city: 'Zürich', country: 'CH' } : null,
        custom: { tier: i % 2 === 0 ? 'gold' : 'silver', ...(i % 3 === 0 ? { seats: i } : {}) },
      })
    }
  })
  afterAll(() => t.dispose())

  it('CSV from a filter, keyset-paged, custom fields as columns, BOM for Excel, formulas escaped', async () => {
    const out = sink()
    const where = { field: 'custom.tier', op: 'eq', value: 'gold' } as const
    const { rows } = await exportRecords(t.crm, { entity: 'contact', where, output: out.stream, pageSize: 4 })
    expect(rows).toBe(await t.crm.contacts.count({ where }))
    const bytes = out.bytes()
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const table = parse(bytes, { bom: true, columns: true }) as Record<string, string>[]
    expect(Object.keys(table[0]!)).toEqual(
      expect.arrayContaining(['id', 'email', 'phone', 'custom.tier', 'custom.seats']),
    )
    expect(table.every((r) => r['custom.tier'] === 'gold')).toBe(true)
    expect(table[0]!['firstName']).toBe('\'=HYPERLINK("http://evil")')
    expect(new Set(table.map((r) => r['id'])).size).toBe(rows)
  })

  it('GB18030 output for legacy tools decodes to the same table', async () => {
    const utf = sink()
    const gb = sink()
    await exportRecords(t.crm, { entity: 'contact', output: utf.stream, bom: false })
    await exportRecords(t.crm, { entity: 'contact', output: gb.stream, encoding: 'gb18030' })
    expect(iconv.decode(gb.bytes(), 'gb18030')).toBe(utf.bytes().toString('utf8'))
    expect(gb.bytes().includes(Buffer.from('王伟', 'utf8'))).toBe(false)
  })

  it('an unknown column is IO_UNKNOWN_FIELD', async () => {
    const error = await exportRecords(t.crm, {
      entity: 'contact',
      output: sink().stream,
      columns: ['nope'],
    }).catch((e) => e)
    expect(isRapportError(error, 'IO_UNKNOWN_FIELD')).toBe(true)
  })

  it('round trip: CSV and XLSX exports import into an empty CRM as the same records', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const out = sink()
      await exportRecords(t.crm, { entity: 'contact', output: out.stream, format, escapeFormulas: false })
      const target = await openCrm(adapter, plugins)
      try {
        await target.crm.customFields.define('contact', {
          key: 'tier',
          type: 'select',
          options: ['gold', 'silver'],
        })
        await target.crm.customFields.define('contact', { key: 'seats', type: 'number' })
        const headers =
          format === 'xlsx'
            ? (await readXlsx(out.bytes())).headers
            : (parse(out.bytes(), { bom: true, to: 1 }) as string[][])[0]!
        const suggested = suggestMapping(headers, await importTargets(target.crm, 'contact'))
        const columns = Object.fromEntries(
          Object.entries(suggested).filter((e): e is [string, string] => e[1] !== null && e[1] !== 'id'),
        )
        expect(Object.keys(columns)).toEqual(
          expect.arrayContaining(['email', 'custom.tier', 'address.city', 'tags']),
        )
        const summary = await importRecords(target.crm, {
          entity: 'contact',
          file: out.bytes(),
          format,
          mapping: { columns },
          upsertKey: 'email',
        })
        expect(summary.counts).toMatchObject({ created: 27, failed: 0 })
        const source = (await t.crm.contacts.list({ limit: 100 })).items.map(comparable)
        const copied = (await target.crm.contacts.list({ limit: 100 })).items.map(comparable)
        const sort = (a: Record<string, unknown>[]) =>
          a
            .map((c) => ({
              ...c,
              emails: (c['emails'] as unknown[]).map((e) => ({ ...(e as object), primary: true })),
            }))
            .sort((x, y) => (JSON.stringify(x['emails']) < JSON.stringify(y['emails']) ? -1 : 1))
        expect(sort(copied)).toEqual(sort(source))
      } finally {
        await target.dispose()
      }
    }
  })
})
