import type { CrmServices } from '@rapport/core'
import type { StorageSchema } from '@rapport/core/storage'

type Row = Record<string, unknown>

/** A data subject and every record about it, found through the schema (not hand-coded per model). */
export interface SubjectGraph {
  readonly entity: string
  readonly id: string
  readonly record: Row
  /** Records about the subject, by entity: rows referencing it, rows linked to it (activities, tasks), orders. */
  readonly related: ReadonlyMap<string, readonly Row[]>
  /** Per related record id: whether it is also about someone else (a meeting with several contacts). */
  readonly shared: ReadonlySet<string>
}

/** Models the graph never walks: bookkeeping of audit and privacy, handled by their own steps. */
const SKIPPED = new Set([
  'auditEvent',
  'auditChange',
  'auditRetention',
  'consent',
  'privacyKey',
  'privacySuppression',
  'recordLink',
])

async function all(services: CrmServices, entity: string, where: unknown): Promise<Row[]> {
  const out: Row[] = []
  for await (const row of services
    .entity<Row>(entity)
    .iterate({ where: where as never, includeArchived: true }))
    out.push(row)
  return out
}

/**
 * Resolves the subject graph: every model with a reference to the subject's entity (`dealContact.contactId`,
 * `ticket.requesterId`, plugin models alike), every record linked to it through `recordLink` (activities, tasks),
 * and orders whose customer it is.
 *
 * @internal
 */
export async function resolveSubjectGraph(
  services: CrmServices,
  schema: StorageSchema,
  entity: string,
  id: string,
  skip: ReadonlySet<string>,
): Promise<SubjectGraph> {
  const record = (await services.entity<Row>(entity).get(id)) as Row
  const related = new Map<string, Row[]>()
  const shared = new Set<string>()
  const add = (name: string, rows: Row[]) => {
    if (rows.length === 0) return
    const list = related.get(name) ?? []
    const seen = new Set(list.map((r) => r['id']))
    related.set(name, [...list, ...rows.filter((r) => !seen.has(r['id']))])
  }
  for (const model of Object.values(schema.models)) {
    if (SKIPPED.has(model.name) || skip.has(model.name) || model.name === entity) continue
    for (const [field, def] of Object.entries(model.fields)) {
      if (def.references?.model === entity)
        add(model.name, await all(services, model.name, { field, op: 'eq', value: id }))
    }
  }
  if (schema.models['recordLink']) {
    const links = await all(services, 'recordLink', {
      and: [
        { field: 'targetType', op: 'eq', value: entity },
        { field: 'targetId', op: 'eq', value: id },
      ],
    })
    const bySource = new Map<string, string[]>()
    for (const link of links) {
      const type = link['sourceType'] as string
      bySource.set(type, [...(bySource.get(type) ?? []), link['sourceId'] as string])
    }
    for (const [type, ids] of bySource) {
      if (!schema.models[type] || skip.has(type)) continue
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500)
        add(type, await all(services, type, { field: 'id', op: 'in', value: chunk }))
        const others = await all(services, 'recordLink', {
          and: [
            { field: 'sourceType', op: 'eq', value: type },
            { field: 'sourceId', op: 'in', value: chunk },
          ],
        })
        for (const link of others) {
          if (link['targetType'] !== entity || link['targetId'] !== id) shared.add(link['sourceId'] as string)
        }
      }
    }
  }
  if (schema.models['order'] && !skip.has('order')) {
    add(
      'order',
      await all(services, 'order', {
        and: [
          { field: 'customerType', op: 'eq', value: entity },
          { field: 'customerId', op: 'eq', value: id },
        ],
      }),
    )
  }
  return { entity, id, record, related, shared }
}
