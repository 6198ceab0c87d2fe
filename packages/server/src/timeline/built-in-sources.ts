import type { Filter } from '@rapport/core/filter'
import type { TimelineItem, TimelineQuery, TimelineSource } from './timeline-source.js'

/** Relations from activities and tasks to the records they concern. */
const LINKED_RELATION: Readonly<Record<string, string>> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
}

function linkedTo(query: TimelineQuery, timeField: string): Filter | null {
  const relation = LINKED_RELATION[query.entity]
  if (!relation) return null
  const link: Filter = { exists: relation, where: { field: 'id', op: 'eq', value: query.id } }
  return query.before
    ? { and: [link, { field: timeField, op: 'lt', value: query.before.toISOString() }] }
    : link
}

const activities: TimelineSource = {
  name: 'activities',
  entities: Object.keys(LINKED_RELATION),
  async items(crm, query) {
    const where = linkedTo(query, 'occurredAt')
    if (!where) return []
    const page = await crm.activities.list({
      where,
      orderBy: [{ field: 'occurredAt', direction: 'desc' }],
      limit: query.limit,
    })
    return page.items.map(
      (a): TimelineItem => ({
        at: a.occurredAt,
        kind: 'activity',
        id: a.id,
        summary: `${a.type}${a.subject ? `: ${a.subject}` : ''}`,
        record: a as unknown as Record<string, unknown>,
      }),
    )
  },
}

const tasks: TimelineSource = {
  name: 'tasks',
  entities: Object.keys(LINKED_RELATION),
  async items(crm, query) {
    const where = linkedTo(query, 'createdAt')
    if (!where) return []
    const page = await crm.tasks.list({
      where,
      orderBy: [{ field: 'createdAt', direction: 'desc' }],
      limit: query.limit,
    })
    return page.items.map(
      (t): TimelineItem => ({
        at: t.createdAt,
        kind: 'task',
        id: t.id,
        summary: `Task (${t.status}): ${t.title}`,
        record: t as unknown as Record<string, unknown>,
      }),
    )
  },
}

const stageChanges: TimelineSource = {
  name: 'stageChanges',
  async items(crm, query) {
    const history = await crm.stageHistory.forRecord(query.entity, query.id)
    return history
      .filter((h) => !query.before || h.at < query.before)
      .map(
        (h): TimelineItem => ({
          at: h.at,
          kind: 'stageChange',
          id: h.id,
          summary: h.fromStageId ? `Moved to stage ${h.toStageId}` : `Created in stage ${h.toStageId}`,
          record: h as unknown as Record<string, unknown>,
        }),
      )
  },
}

/** The sources every server has: linked activities, linked tasks and stage changes. */
export const builtInTimelineSources: readonly TimelineSource[] = [activities, tasks, stageChanges]
