import type { Filter } from '../filter/filter-types.js'
import type { TimelineSource, TimelineSubject } from './timeline-types.js'

// Core's own timeline sources, declared exactly as a plugin declares its own (CrmPlugin.timeline).

const idIs = (id: string): Filter => ({ field: 'id', op: 'eq', value: id })

/** Linked through `recordLink` (activities, tasks): to the subject, or for a company also to one of its people. */
function linked(subject: TimelineSubject): Filter {
  if (subject.type === 'contact') return { exists: 'contacts', where: idIs(subject.id) }
  return {
    or: [
      { exists: 'companies', where: idIs(subject.id) },
      { exists: 'contacts', where: { field: 'companyId', op: 'eq', value: subject.id } },
    ],
  }
}

/** The subject's deals: a contact's through its deal roles, a company's by `companyId`. */
function deals(subject: TimelineSubject): Filter {
  return subject.type === 'contact'
    ? { exists: 'contacts', where: idIs(subject.id) }
    : { field: 'companyId', op: 'eq', value: subject.id }
}

/**
 * Core's timeline sources: activities (calls, emails, meetings, notes, visits), tasks, deals, their stage moves,
 * tickets and orders.
 */
export const coreTimelineSources: readonly TimelineSource[] = Object.freeze([
  { kind: 'activity', entity: 'activity', at: 'occurredAt', where: linked },
  { kind: 'task', entity: 'task', at: 'createdAt', where: linked },
  { kind: 'deal', entity: 'deal', at: 'createdAt', where: deals },
  {
    kind: 'stageChange',
    entity: 'stageChange',
    at: 'at',
    where: (subject) => ({
      and: [
        { field: 'entityType', op: 'eq', value: 'deal' },
        { exists: 'deal', where: deals(subject) },
      ],
    }),
  },
  {
    kind: 'ticket',
    entity: 'ticket',
    at: 'createdAt',
    where: (subject) =>
      subject.type === 'contact'
        ? { field: 'requesterId', op: 'eq', value: subject.id }
        : { field: 'companyId', op: 'eq', value: subject.id },
  },
  {
    kind: 'order',
    entity: 'order',
    at: 'occurredAt',
    where: (subject) =>
      subject.type === 'contact'
        ? {
            and: [
              { field: 'customerType', op: 'eq', value: 'contact' },
              { field: 'customerId', op: 'eq', value: subject.id },
            ],
          }
        : {
            or: [
              {
                and: [
                  { field: 'customerType', op: 'eq', value: 'company' },
                  { field: 'customerId', op: 'eq', value: subject.id },
                ],
              },
              {
                and: [
                  { field: 'customerType', op: 'eq', value: 'contact' },
                  { exists: 'contact', where: { field: 'companyId', op: 'eq', value: subject.id } },
                ],
              },
            ],
          },
  },
])
