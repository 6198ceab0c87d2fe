import { activityEntity } from './activity.js'
import { businessCalendarEntity } from './business-calendar.js'
import { companyEntity } from './company.js'
import { contactEntity } from './contact.js'
import { customFieldEntity } from './custom-field-entity.js'
import { dealContactEntity, dealEntity } from './deal.js'
import { leadEntity } from './lead.js'
import { orderEntity } from './order.js'
import { pipelineEntity } from './pipeline.js'
import { recordLinkEntity } from './record-link.js'
import { slaPolicyEntity } from './sla-policy.js'
import { stageChangeEntity } from './stage-change.js'
import { tagEntity } from './tag.js'
import { taskEntity } from './task.js'
import { ticketEntity } from './ticket.js'

/** Every entity core ships, in dependency order (referenced models first). */
export const coreEntities = [
  companyEntity,
  contactEntity,
  pipelineEntity,
  leadEntity,
  dealEntity,
  dealContactEntity,
  businessCalendarEntity,
  slaPolicyEntity,
  ticketEntity,
  stageChangeEntity,
  activityEntity,
  taskEntity,
  tagEntity,
  recordLinkEntity,
  customFieldEntity,
  orderEntity,
] as const

/** Bumped whenever a core model's columns or indexes change. */
export const CORE_SCHEMA_VERSION = 3
