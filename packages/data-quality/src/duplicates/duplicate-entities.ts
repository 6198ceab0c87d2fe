import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

/**
 * A persisted match key: one row per key value of a record, maintained by the plugin's hooks in the write's
 * transaction and looked up through the `(entity, key, value)` index, identically on every adapter.
 */
export const matchKeyEntity = defineEntity({
  name: 'dqMatchKey',
  idPrefix: 'dqk',
  shape: {
    entity: z.string().min(1).max(100),
    recordId: z.string().min(1).max(100),
    key: z.string().min(1).max(40),
    value: z.string().min(1).max(1000),
  },
  indexes: [
    { name: 'by_value', fields: ['entity', 'key', 'value'] },
    { name: 'by_record', fields: ['recordId'] },
  ],
})

/** One scored pair inside a duplicate set. */
export const duplicatePairSchema = z.object({ a: z.string(), b: z.string(), score: z.number() }).strict()

/** A set of records found to be duplicates of each other, to review: open, then merged or dismissed. */
export const duplicateSetEntity = defineEntity({
  name: 'dqDuplicateSet',
  idPrefix: 'dqs',
  shape: {
    entity: z.string().min(1).max(100),
    ruleId: z.string().min(1).max(80),
    status: z.enum(['open', 'merged', 'dismissed']).default('open'),
    recordIds: z.array(z.string().min(1).max(100)).min(2).max(1000),
    pairs: z.array(duplicatePairSchema).max(10_000).default([]),
  },
  indexes: [{ name: 'by_status', fields: ['entity', 'status'] }],
})

/** A pair a person said is not a duplicate; never reported again. `aId < bId`. */
export const notDuplicateEntity = defineEntity({
  name: 'dqNotDuplicate',
  idPrefix: 'dqn',
  shape: {
    entity: z.string().min(1).max(100),
    aId: z.string().min(1).max(100),
    bId: z.string().min(1).max(100),
  },
  indexes: [{ name: 'by_pair', fields: ['aId', 'bId'], unique: true }],
})
