import { RapportError } from '@rapport/core'
import * as z from 'zod'
import { AuditErrorCodes } from '../audit-error.js'

// The shapes of the reader's queries, checked before anything is read: a bad query is AUDIT_INVALID_QUERY with every
// zod issue, never a partial read.

const name = z.string().min(1).max(200)
const pageShape = {
  from: z.date().optional(),
  to: z.date().optional(),
  limit: z.int().min(1).optional(),
  cursor: z.string().max(4096).nullable().optional(),
}
const schemas = {
  timeline: z.strictObject({
    entity: name,
    id: name,
    fields: z.array(name).max(200).optional(),
    ...pageShape,
  }),
  fieldHistory: z.strictObject({
    entity: name,
    field: name,
    id: name.optional(),
    actorId: name.optional(),
    ...pageShape,
  }),
  byActor: z.strictObject({ actorId: name, entity: name.optional(), ...pageShape }),
  between: z.strictObject({
    entity: name.optional(),
    channel: name.optional(),
    ...pageShape,
    from: z.date(),
    to: z.date(),
  }),
  byRequest: z.strictObject({ requestId: name, ...pageShape }),
}

export function parseAuditQuery<K extends keyof typeof schemas>(
  kind: K,
  query: unknown,
): z.output<(typeof schemas)[K]> {
  const parsed = schemas[kind].safeParse(query)
  if (!parsed.success) {
    throw new RapportError(
      AuditErrorCodes.AUDIT_INVALID_QUERY,
      `Invalid ${kind} query: ${parsed.error.issues[0]?.message}`,
      {
        details: {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        },
      },
    )
  }
  return parsed.data as z.output<(typeof schemas)[K]>
}
