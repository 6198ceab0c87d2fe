import type { Crm } from '@rapport/core'
import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage, permitsPlugin as permits } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * A host plugin's staged entity (EntityDefinition.staged) on memory, SQLite and Postgres: the same script of creates,
 * accepted and refused moves gives the same records, statuses, stage history, filters and events on every adapter.
 */

const T0 = Date.parse('2026-04-01T08:00:00.000Z')

async function script(storage: StorageAdapter) {
  let now = new Date(T0)
  const crm: Crm = createCrm({ storage, tenantId: 'ten_staged', clock: () => now, plugins: [permits] })
  await crm.migrate()
  const events: string[] = []
  crm.events.on('*' as never, ((type: string) => events.push(type)) as never)
  const service = crm.staged<Record<string, unknown>>('permit')
  const outcomes: unknown[] = []
  const attempt = async (label: string, run: () => Promise<unknown>) => {
    try {
      await run()
      outcomes.push([label, 'ok'])
    } catch (error) {
      if (!isRapportError(error)) throw error
      outcomes.push([label, error.code, (error.details as Record<string, unknown>)['guard'] ?? null])
    }
  }
  const ids: string[] = []
  for (const title of ['Garage', 'Shed', 'Tower']) ids.push((await service.create({ title }))['id'] as string)
  const pipeline = await crm.pipelines.get((await service.get(ids[0]!))['pipelineId'] as string)
  const key = (k: string) => pipeline.stages.find((s) => s.key === k)!.id
  const [garage, shed, tower] = ids as [string, string, string]
  now = new Date(T0 + 3_600_000)
  await attempt('skip', () => service.moveStage(garage, key('approved')))
  await attempt('missing inspector', () => service.moveStage(garage, key('submitted')))
  await attempt('status in input', () => service.update(garage, { status: 'approved' }))
  await attempt('submit garage', () =>
    service.moveStage(garage, key('submitted'), { fields: { inspectorId: 'usr_1' } }),
  )
  await attempt('submit shed', () =>
    service.moveStage(shed, key('submitted'), { fields: { inspectorId: 'usr_2' } }),
  )
  now = new Date(T0 + 7_200_000)
  await attempt('approve garage', () => service.moveStage(garage, key('approved')))
  await attempt('refuse shed without reason', () => service.moveStage(shed, key('refused')))
  await attempt('refuse shed', () => service.moveStage(shed, key('refused'), { reason: 'Too tall' }))
  await attempt('stale version', () => service.update(tower, { title: 'Tower 2' }, { expectedVersion: 7 }))
  const stageName = (id: unknown) => pipeline.stages.find((s) => s.id === id)?.key ?? null
  const records = []
  for (const id of ids) {
    const r = await service.get(id)
    const history = await service.stageHistory(id)
    records.push({
      title: r['title'],
      status: r['status'],
      stage: stageName(r['stageId']),
      version: r['version'],
      refusalReason: r['refusalReason'] ?? null,
      stageEnteredAt: r['stageEnteredAt'],
      closedAt: r['closedAt'] ?? null,
      history: history.map((h) => [stageName(h.fromStageId), stageName(h.toStageId), h.durationMs, h.reason]),
    })
  }
  const byStatus = async (status: string) =>
    (
      await service.list({
        where: { field: 'status', op: 'eq', value: status },
        orderBy: [{ field: 'title' }],
      })
    ).items.map((r) => r['title'])
  const filters = {
    approved: await byStatus('approved'),
    refused: await byStatus('refused'),
    draft: await byStatus('draft'),
    closed: await service.count({ where: { field: 'closedAt', op: 'isNull', value: false } }),
    historyRows: await crm.stageHistory.count({ where: { field: 'entityType', op: 'eq', value: 'permit' } }),
  }
  return {
    crm,
    result: { outcomes, records, filters, events: events.filter((e) => e.startsWith('permit.')) },
  }
}

let backend: PgTestBackend
const results: Record<string, Awaited<ReturnType<typeof script>>> = {}

beforeAll(async () => {
  backend = await openTestBackend('staged')
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres: createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema }),
  }
  for (const [name, storage] of Object.entries(storages)) results[name] = await script(storage)
}, 120_000)

afterAll(async () => {
  for (const r of Object.values(results)) await r.crm.storage.close()
  await backend?.dispose()
})

describe('staged plugin entities on memory, SQLite and Postgres', () => {
  it('agree on every outcome, record, history row, filter and event', () => {
    const memory = results['memory']!.result
    expect(memory.outcomes).toEqual([
      ['skip', 'INVALID_TRANSITION', 'policy'],
      ['missing inspector', 'INVALID_TRANSITION', 'requiredFields'],
      ['status in input', 'VALIDATION_FAILED', null],
      ['submit garage', 'ok'],
      ['submit shed', 'ok'],
      ['approve garage', 'ok'],
      ['refuse shed without reason', 'INVALID_TRANSITION', 'reason'],
      ['refuse shed', 'ok'],
      ['stale version', 'VERSION_CONFLICT', null],
    ])
    expect(memory.records.map((r) => [r.title, r.status, r.version, r.refusalReason])).toEqual([
      ['Garage', 'approved', 3, null],
      ['Shed', 'refused', 3, 'Too tall'],
      ['Tower', 'draft', 1, null],
    ])
    expect(memory.filters).toEqual({
      approved: ['Garage'],
      refused: ['Shed'],
      draft: ['Tower'],
      closed: 2,
      historyRows: 7,
    })
    expect(results['sqlite']!.result).toEqual(memory)
    expect(results['postgres']!.result).toEqual(memory)
  })
})
