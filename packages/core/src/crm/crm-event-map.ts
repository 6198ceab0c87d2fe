import type {
  Activity,
  Company,
  Contact,
  Deal,
  DealContact,
  Pipeline,
  Tag,
  Task,
} from '../entities/entity-types.js'
import type { EntityEvents } from '../events/crm-events.js'

/**
 * Every event core emits, by name. Plugins may emit their own events on the same bus.
 */
export type CrmEvents = EntityEvents<'contact', Contact> &
  EntityEvents<'company', Company> &
  EntityEvents<'deal', Deal> &
  EntityEvents<'dealContact', DealContact> &
  EntityEvents<'pipeline', Pipeline> &
  EntityEvents<'activity', Activity> &
  EntityEvents<'task', Task> &
  EntityEvents<'tag', Tag> &
  Record<string, unknown>
