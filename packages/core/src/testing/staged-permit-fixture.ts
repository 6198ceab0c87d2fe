import * as z from 'zod'
import { defineEntity, stagedFields } from '../entities/index.js'
import { definePlugin } from '../plugins/crm-plugin.js'

/**
 * A host plugin's own staged entity, declared exactly as a Rapport package would: building permits going
 * draft → submitted → approved | refused, with a required field on `submitted` (`inspectorId`), a refusal reason, a
 * way back from `submitted` to `draft`, and no reopening once closed.
 *
 * Rapport's own tests use it to prove that a plugin entity gets the whole pipeline machine (stage history, guards,
 * required fields, events) on every adapter; an adapter author can run the same script against a new storage.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createMemoryStorage, permitsPlugin } from '@rapport/core/testing'
 *
 * const crm = createCrm({ storage: createMemoryStorage(), plugins: [permitsPlugin] })
 * await crm.migrate()
 * const permit = await crm.staged('permit').create({ title: 'Garage' })
 * ```
 */
export const permitEntity = defineEntity({
  name: 'permit',
  idPrefix: 'prm',
  shape: {
    ...stagedFields,
    title: z.string().min(1).max(200),
    inspectorId: z.string().nullable().optional(),
    refusalReason: z.string().max(500).nullable().optional(),
    status: z.string().nullable().optional(),
  },
  staged: {
    statusField: 'status',
    reasonField: 'refusalReason',
    defaultPipeline: {
      name: 'Permits',
      policy: 'explicit',
      stages: [
        { key: 'draft', name: 'Draft' },
        { key: 'submitted', name: 'Submitted', requiredFields: ['inspectorId'] },
        { key: 'approved', name: 'Approved', kind: 'won' },
        { key: 'refused', name: 'Refused', kind: 'lost' },
      ],
      transitions: [
        { from: 'draft', to: 'submitted' },
        { from: 'submitted', to: 'draft' },
        { from: 'submitted', to: 'approved' },
        { from: 'submitted', to: 'refused' },
      ],
      allowReopen: false,
    },
    events: ({ to }) => (to.key ? [to.key] : []),
  },
})

/** The plugin declaring {@link permitEntity}; pass it to `createCrm({ plugins: [permitsPlugin] })`. */
export const permitsPlugin = definePlugin({ id: 'permits', schema: { entities: [permitEntity] } })
