import { createCrm, definePlugin, isRapportError } from '@rapport/core'
import { defineEntity, stagedFields } from '@rapport/core/entities'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { accessControl } from '../src/plugin/access-control.js'
import { defineAccessPolicy } from '../src/policy/define-access-policy.js'
import { backends } from './fixture.js'

/** A host plugin's staged entity: its stage history is visible exactly when its record is, as for deals. */
const permit = defineEntity({
  name: 'permit',
  idPrefix: 'prm',
  shape: { ...stagedFields, title: z.string(), ownerId: z.string().nullable().optional() },
  staged: {
    defaultPipeline: {
      name: 'Permits',
      stages: [
        { key: 'draft', name: 'Draft' },
        { key: 'granted', name: 'Granted', kind: 'won' },
      ],
    },
  },
})

const policy = defineAccessPolicy({
  roles: {
    rep: { entities: { permit: { read: 'own', update: 'own' }, pipeline: { read: 'all' } } },
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
  },
  users: { usr_ray: { roles: ['rep'] }, usr_sam: { roles: ['rep'] }, usr_ada: { roles: ['admin'] } },
})

describe.each(backends())('stage history of staged plugin entities under access control', (open) => {
  it('shows history rows only for visible records, and NOT_FOUND for the others', async () => {
    const backend = open()
    try {
      const crm = createCrm({
        storage: backend.storage,
        plugins: [definePlugin({ id: 'permits', schema: { entities: [permit] } }), accessControl(policy)],
      })
      await crm.migrate()
      const admin = crm.scoped({ actor: { id: 'usr_ada' } })
      const rays = await admin.staged('permit').create({ title: 'Ray', ownerId: 'usr_ray' })
      const sams = await admin.staged('permit').create({ title: 'Sam', ownerId: 'usr_sam' })
      const pipeline = await admin.pipelines.get(rays['pipelineId'] as string)
      const granted = pipeline.stages.find((s) => s.key === 'granted')!.id
      await admin.staged('permit').moveStage(sams['id'] as string, granted)
      const ray = crm.scoped({ actor: { id: 'usr_ray' } })
      expect(await admin.stageHistory.count()).toBe(3)
      expect((await ray.stageHistory.list()).items.map((h) => h.recordId)).toEqual([rays['id']])
      expect(await ray.staged('permit').stageHistory(rays['id'] as string)).toHaveLength(1)
      const hidden = await ray
        .staged('permit')
        .stageHistory(sams['id'] as string)
        .catch((e: unknown) => e)
      expect(isRapportError(hidden, 'NOT_FOUND')).toBe(true)
      const moved = await ray
        .staged('permit')
        .moveStage(sams['id'] as string, pipeline.stages[0]!.id)
        .catch((e: unknown) => e)
      expect(isRapportError(moved, 'NOT_FOUND')).toBe(true)
      expect((await admin.staged('permit').get(sams['id'] as string))['stageId']).toBe(granted)
    } finally {
      await backend.storage.close()
      await backend.close()
    }
  })
})
