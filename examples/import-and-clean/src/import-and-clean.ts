import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { dataQualityPlugin } from '@rapport/data-quality'
import type { ImportCounts } from '@rapport/io'
import { exportRecords, importRecords, ioPlugin } from '@rapport/io'

const data = (name: string) => fileURLToPath(new URL(`../data/${name}`, import.meta.url))

/** What the walkthrough did, step by step. */
export interface CleanupStory {
  /** Row counts of each import: the web form's in-file duplicate is skipped. */
  readonly imports: { readonly file: string; readonly counts: ImportCounts }[]
  /** The open duplicate sets to review, as names, before merging. */
  readonly review: string[][]
  /** Records merged away (tombstoned, resolvable to their survivor). */
  readonly merged: number
  /** The exported CSV (first name, last name, e-mail, phone), one line per contact, header first. */
  readonly exported: string[]
}

type Named = { id: string; firstName: string | null; lastName: string | null }

/**
 * Imports two messy files into a CRM that already holds a contact, reviews the duplicate sets, merges them and
 * exports the clean list.
 */
export async function runImportAndClean(storage: StorageAdapter): Promise<CleanupStory> {
  // Phones typed in national form are read in the US; validation rules would plug in here too.
  const crm = createCrm({
    storage,
    plugins: [dataQualityPlugin({ defaultRegion: 'US' }), ioPlugin()] as const,
  })
  await crm.migrate()
  const dq = crm.plugins['data-quality']
  try {
    // 1. The CRM already knows Dora (her number typed in national form is stored as +14155550142).
    await crm.contacts.create({
      firstName: 'Dora',
      lastName: 'Ma',
      emails: [{ address: 'dora@ma.example' }],
      phones: [{ number: '(415) 555-0142' }],
    })

    // 2. A UTF-8 file with a BOM from a web form, and a GB18030 file from a Chinese Excel: the encoding is detected.
    const imports = []
    for (const [file, columns] of [
      [
        'web-form.csv',
        {
          'First Name': 'firstName',
          'Last Name': 'lastName',
          'E-mail': 'email',
          Phone: 'phone',
          Title: 'title',
        },
      ],
      ['excel-gb18030.csv', { 名: 'firstName', 姓: 'lastName', 邮箱: 'email', 手机: 'phone', 职位: 'title' }],
    ] as const) {
      const summary = await importRecords(crm, {
        entity: 'contact',
        file: data(file),
        mapping: { columns },
        upsertKey: 'email',
        defaultRegion: 'US',
      })
      imports.push({ file, counts: summary.counts })
    }

    // 3. Review: the duplicate rule warned on create, so the sets are already waiting; the batch job finds the rest.
    await dq.findAllDuplicates('contact')
    const sets = await crm
      .entity<{ id: string; recordIds: string[] }>('dqDuplicateSet')
      .list({ where: { field: 'status', op: 'eq', value: 'open' }, limit: 100 })
    const review: string[][] = []
    for (const set of sets.items) {
      const people = await crm.contacts.list({ where: { field: 'id', op: 'in', value: set.recordIds } })
      review.push(people.items.map((p: Named) => `${p.firstName} ${p.lastName}`).sort())
    }

    // 4. Merge each set into its oldest record (ids sort by creation time).
    let merged = 0
    for (const set of sets.items) {
      const [survivorId, ...loserIds] = [...set.recordIds].sort()
      await dq.merge({ entity: 'contact', survivorId: survivorId as string, loserIds })
      merged += loserIds.length
    }

    // 5. Export the clean list.
    let csv = ''
    const output = new Writable({
      write(chunk, _encoding, done) {
        csv += chunk.toString()
        done()
      },
    })
    await exportRecords(crm, {
      entity: 'contact',
      output,
      columns: ['firstName', 'lastName', 'email', 'phone'],
      bom: false,
      escapeFormulas: false,
    })
    return { imports, review: review.sort(), merged, exported: csv.trim().split(/\r?\n/) }
  } finally {
    await crm.close()
  }
}
