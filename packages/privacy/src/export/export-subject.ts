import { changeIds } from '@rapport/audit'
import type { CrmServices } from '@rapport/core'
import type { PluginContext } from '@rapport/core/plugin'
import type { SensitiveFields } from '../encryption/sensitive-fields.js'
import { resolveSubjectGraph } from '../erasure/subject-graph.js'
import { identifiersOf } from '../erasure/suppression.js'
import { consentEntity } from '../privacy-entities.js'

type Row = Record<string, unknown>

/** Everything held about a data subject (GDPR Art. 15 and 20), as plain JSON-ready data. */
export interface SubjectExport {
  readonly exportedAt: string
  readonly subject: { readonly entity: string; readonly id: string; readonly record: Record<string, unknown> }
  /** Records about the subject by entity, sensitive values decrypted. */
  readonly related: Readonly<Record<string, readonly Record<string, unknown>[]>>
  readonly consents: readonly Record<string, unknown>[]
  /** Audit events about the subject's records, each with its field changes. */
  readonly audit: readonly Record<string, unknown>[]
  /** Outbox, webhook and automation log rows that mention the subject. */
  readonly events: Readonly<Record<string, readonly Record<string, unknown>[]>>
}

async function all(services: CrmServices, entity: string, where: unknown): Promise<Row[]> {
  const out: Row[] = []
  for await (const row of services
    .entity<Row>(entity)
    .iterate({ where: where as never, includeArchived: true }))
    out.push(row)
  return out
}

/** Dates as ISO strings, so the export is plain JSON. */
const plain = (value: unknown): Row => JSON.parse(JSON.stringify(value)) as Row

/**
 * Builds a data-subject export; see `PrivacyApi.export`.
 *
 * @internal
 */
export async function exportSubject(
  ctx: PluginContext,
  sensitive: SensitiveFields,
  logs: readonly string[],
  request: { entity: string; id: string; tenantId?: string },
  now: Date,
): Promise<SubjectExport> {
  const services = request.tenantId ? ctx.scoped({ tenantId: request.tenantId }) : ctx.crm
  const graph = await resolveSubjectGraph(services, ctx.schema, request.entity, request.id, new Set(logs))
  const related: Record<string, Row[]> = {}
  for (const [entity, rows] of graph.related) {
    related[entity] = await Promise.all(
      rows.map(async (r) => plain(await sensitive.reveal(entity, r, services))),
    )
  }
  const consents = ctx.schema.models[consentEntity.name]
    ? (await all(services, consentEntity.name, { field: 'subjectId', op: 'eq', value: request.id })).map(
        (r) => {
          const { tokenHash: _h, tokenExpiresAt: _e, ...rest } = r
          return plain(rest)
        },
      )
    : []
  const audit: Row[] = []
  if (ctx.schema.models['auditEvent']) {
    const refs = [
      { entity: request.entity, ids: [request.id] },
      ...[...graph.related].map(([entity, rows]) => ({ entity, ids: rows.map((r) => r['id'] as string) })),
      { entity: consentEntity.name, ids: consents.map((c) => c['id'] as string) },
    ]
    for (const { entity, ids } of refs) {
      for (let i = 0; i < ids.length; i += 200) {
        const events = await all(services, 'auditEvent', {
          and: [
            { field: 'entity', op: 'eq', value: entity },
            { field: 'recordId', op: 'in', value: ids.slice(i, i + 200) },
          ],
        })
        for (const event of events) {
          // Changes are inline on the event; events recorded before that have change rows (ids derived from theirs).
          const inline = event['changes'] as readonly Row[] | null | undefined
          const changeRowIds = Array.isArray(inline)
            ? []
            : changeIds(event['id'] as string, ((event['fields'] as string[] | null) ?? []).length)
          const changes = Array.isArray(inline)
            ? inline
            : changeRowIds.length > 0
              ? await all(services, 'auditChange', { field: 'id', op: 'in', value: changeRowIds })
              : []
          audit.push(
            plain({
              ...event,
              changes: changes.map((c) => ({
                field: c['field'],
                before: c['before'] ?? null,
                after: c['after'] ?? null,
              })),
            }),
          )
        }
      }
    }
  }
  const needles = [request.id.toLowerCase(), ...Object.values(identifiersOf(graph.record)).flat()]
  const events: Record<string, Row[]> = {}
  for (const name of logs) {
    if (!ctx.schema.models[name]) continue
    const rows = (await all(services, name, undefined)).filter((r) => {
      const text = JSON.stringify(r).toLowerCase()
      return needles.some((n) => text.includes(n))
    })
    if (rows.length > 0) events[name] = rows.map(plain)
  }
  return {
    exportedAt: now.toISOString(),
    subject: {
      entity: request.entity,
      id: request.id,
      record: plain(await sensitive.reveal(request.entity, graph.record, services)),
    },
    related,
    consents,
    audit,
    events,
  }
}
