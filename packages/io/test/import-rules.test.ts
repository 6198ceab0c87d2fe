import { dataQualityPlugin } from '@rapport/data-quality'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RowResult } from '../src/index.js'
import { importRecords, ioPlugin } from '../src/index.js'

const plugins = [
  ioPlugin(),
  dataQualityPlugin({
    validationRules: [
      {
        id: 'import.no-spam',
        entity: 'contact',
        on: ['import'],
        errorWhen: { field: 'title', op: 'eq', value: 'Spam' },
        field: 'title',
        message: 'Spam titles are not imported',
      },
      {
        id: 'import.surname',
        entity: 'contact',
        on: ['import'],
        errorWhen: { field: 'lastName', op: 'eq', value: 'Unknown' },
        field: 'lastName',
        message: 'Surname unknown',
        severity: 'warning',
      },
    ],
  }),
] as const

describe.each(ADAPTERS)("data-quality's validation rules on import rows, on $name", (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
  })
  afterAll(() => t.dispose())

  it('errors fail the row and write nothing for it; warnings go with a written row; updates are checked patched', async () => {
    const results: RowResult[] = []
    const file = (rows: string[]) => Buffer.from(`Email,Surname,Title\n${rows.join('\n')}\n`)
    const mapping = { columns: { Email: 'email', Surname: 'lastName', Title: 'title' } }
    const summary = await importRecords(t.crm, {
      entity: 'contact',
      file: file(['a@rules.example,Ade,CTO', 'b@rules.example,Bee,Spam', 'c@rules.example,Unknown,CFO']),
      mapping,
      upsertKey: 'email',
      onRow: (r) => results.push(r),
    })
    expect(summary.counts).toMatchObject({ created: 2, failed: 1 })
    expect(results.map((r) => [r.status, r.issues.map((i) => i.message)])).toEqual([
      ['created', []],
      ['failed', ['Spam titles are not imported']],
      ['created', ['Surname unknown']],
    ])
    expect(await t.crm.contacts.count()).toBe(2)
    // An update is checked as the record would be stored: the existing record with the patch applied.
    const update = await importRecords(t.crm, {
      entity: 'contact',
      file: file(['a@rules.example,,Spam']),
      mapping,
      upsertKey: 'email',
    })
    expect(update.counts).toMatchObject({ updated: 0, failed: 1 })
    const ade = (await t.crm.contacts.list({ where: { field: 'lastName', op: 'eq', value: 'Ade' } }))
      .items[0]!
    expect(ade.title).toBe('CTO')
  })
})
