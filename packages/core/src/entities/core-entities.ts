import { activityEntity } from './activity.js'
import { companyEntity } from './company.js'
import { contactEntity } from './contact.js'
import { customFieldEntity } from './custom-field-entity.js'
import { dealContactEntity, dealEntity } from './deal.js'
import { pipelineEntity } from './pipeline.js'
import { recordLinkEntity } from './record-link.js'
import { tagEntity } from './tag.js'
import { taskEntity } from './task.js'

/** Every entity core ships, in dependency order (referenced models first). */
export const coreEntities = [
  companyEntity,
  contactEntity,
  pipelineEntity,
  dealEntity,
  dealContactEntity,
  activityEntity,
  taskEntity,
  tagEntity,
  recordLinkEntity,
  customFieldEntity,
] as const

/** Bumped whenever a core model's columns or indexes change. */
export const CORE_SCHEMA_VERSION = 1
