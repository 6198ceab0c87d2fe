import type { CrmServices } from '../types/crm-services.js'

// One map, read by the service facade (which service serves an entity) and by crm.describe() (which collections exist).
/** The property of {@link CrmServices} serving each core entity. */
export const CORE_SERVICE_OF: Readonly<Record<string, keyof CrmServices>> = Object.freeze({
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  lead: 'leads',
  ticket: 'tickets',
  slaPolicy: 'slaPolicies',
  businessCalendar: 'businessCalendars',
  pipeline: 'pipelines',
  activity: 'activities',
  task: 'tasks',
  tag: 'tags',
  order: 'orders',
})
