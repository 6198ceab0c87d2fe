import * as z from 'zod'
import { defineEntity } from './entity-definition.js'

/**
 * A polymorphic link from an activity or task (the source) to the record it concerns (the target). Core keeps
 * these rows in step with the `targets` arrays, so relation filters like "contacts with a call this week" work on
 * every adapter.
 */
export const recordLinkEntity = defineEntity({
  name: 'recordLink',
  idPrefix: 'lnk',
  table: 'record_link',
  shape: {
    sourceType: z.string().min(1).max(50),
    sourceId: z.string().min(1).max(100),
    targetType: z.string().min(1).max(50),
    targetId: z.string().min(1).max(100),
  },
  indexes: [
    { name: 'by_target', fields: ['targetType', 'targetId', 'sourceType'] },
    { name: 'by_source', fields: ['sourceType', 'sourceId'] },
  ],
})
