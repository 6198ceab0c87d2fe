import type { Crm } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import type { RowResult } from '@rapport/io'
import { importRecords } from '@rapport/io'
import { problemOf } from '@rapport/server'
import type { Context } from 'hono'

/** The columns of the demo's contact CSV, mapped to contact fields; rows match existing contacts by email. */
export const CONTACT_CSV_MAPPING = {
  columns: {
    'First name': 'firstName',
    'Last name': 'lastName',
    Email: 'email',
    Phone: 'phone',
    Title: 'title',
  },
}

const MAX_BYTES = 5 * 1024 * 1024

/**
 * `POST /api/import/contacts[?dryRun=true]` with the CSV as the body: imports contacts as the signed-in user through
 * @rapport/io (upsert on email, one transaction per batch) and answers the summary plus the failed rows. A dry run
 * reports the exact results and writes nothing. Bad files are problem+json, like the rest of the API.
 */
export function importContactsHandler(crm: Crm, actorOf: (c: Context) => { id: string }) {
  return async (c: Context) => {
    try {
      const bytes = new Uint8Array(await c.req.arrayBuffer())
      if (bytes.byteLength > MAX_BYTES) {
        throw new RapportError('PAYLOAD_TOO_LARGE', `The file exceeds ${MAX_BYTES} bytes`)
      }
      const failures: RowResult[] = []
      const summary = await importRecords(crm, {
        entity: 'contact',
        file: bytes,
        mapping: CONTACT_CSV_MAPPING,
        upsertKey: 'email',
        dryRun: c.req.query('dryRun') === 'true',
        services: crm.scoped({ actor: actorOf(c) }),
        onRow: (row) => {
          if (row.status === 'failed' && failures.length < 50) failures.push(row)
        },
      })
      return c.json({ ...summary, failures })
    } catch (error) {
      if (!isRapportError(error)) throw error
      const problem = problemOf(error, undefined)
      return c.body(JSON.stringify(problem), problem.status as 400, {
        'content-type': 'application/problem+json',
      })
    }
  }
}
