import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { receivablesPlugin } from '../receivables/receivables-plugin.js'
import type { ContractStatus } from './contract-lifecycle.js'
import { CONTRACT_STATUSES, CONTRACT_TRANSITIONS, contractPipelineTemplate } from './contract-lifecycle.js'

async function failure(promise: Promise<unknown>): Promise<{ code: string; details: unknown }> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return { code: error.code, details: error.details }
    throw error
  }
  return { code: 'no error', details: null }
}

/** The shortest way from draft to each status along the lifecycle's edges (breadth first). */
function pathsFromDraft(): Map<ContractStatus, ContractStatus[]> {
  const paths = new Map<ContractStatus, ContractStatus[]>([['draft', []]])
  const queue: ContractStatus[] = ['draft']
  while (queue.length > 0) {
    const from = queue.shift() as ContractStatus
    for (const to of CONTRACT_TRANSITIONS[from]) {
      if (paths.has(to)) continue
      paths.set(to, [...(paths.get(from) ?? []), to])
      queue.push(to)
    }
  }
  return paths
}

type Opened = Awaited<ReturnType<typeof openCrm<readonly [ReturnType<typeof receivablesPlugin>]>>>

/** What each adapter ends with (ids and instants left out), compared at the end. */
const transcripts: Record<string, unknown> = {}

describe.each(ADAPTERS)('the contract lifecycle on core’s pipeline machine, on $name', (adapter) => {
  let t: Opened
  beforeAll(async () => {
    t = await openCrm(adapter, [receivablesPlugin()] as const)
  }, 60_000)
  afterAll(() => t.dispose())

  const contracts = () => t.crm.staged('contract')
  const newContract = async (name = 'ACME 2026') =>
    String(
      (
        await contracts().create({
          name,
          currency: 'EUR',
          amountMinor: 300_000,
          startDate: '2026-01-01',
          endDate: '2026-12-31',
        })
      )['id'],
    )
  const keyOf = async (stageId: unknown) => {
    const pipeline = await t.crm.pipelines.get(
      String((await contracts().list({ limit: 1 })).items[0]?.['pipelineId']),
    )
    return pipeline.stages.find((s) => s.id === stageId)?.key ?? null
  }

  it('starts in draft on the default contract pipeline and moves with history, time in stage and events', async () => {
    const events: string[] = []
    const off = t.crm.events.on(
      '*' as never,
      ((type: string) => {
        if (type.startsWith('contract.')) events.push(type)
      }) as never,
    )
    const id = await newContract()
    const created = await contracts().get(id)
    expect(created).toMatchObject({ status: 'draft', closedAt: null })
    const pipeline = await t.crm.pipelines.get(String(created['pipelineId']))
    expect(pipeline).toMatchObject({ entityType: 'contract', isDefault: true, policy: 'explicit' })
    expect(pipeline.stages.map((s) => s.key)).toEqual([...CONTRACT_STATUSES])
    const stage = (key: string) => pipeline.stages.find((s) => s.key === key)?.id as string

    await contracts().update(id, { status: 'pending_approval' })
    t.tick(60_000)
    await contracts().update(id, { status: 'approved' })
    t.tick(120_000)
    // moveStage and a written status are the same move.
    await contracts().moveStage(id, stage('active'))
    t.tick(30_000)
    const expired = await contracts().update(id, { status: 'expired' })
    expect(expired).toMatchObject({ status: 'expired', stageId: stage('expired') })
    expect(expired['closedAt']).toBeInstanceOf(Date)
    const renewed = await contracts().update(id, { status: 'renewed' })
    expect(renewed['status']).toBe('renewed')
    off()

    const history = await contracts().stageHistory(id)
    const keys = await Promise.all(
      history.map(async (h) => [await keyOf(h.fromStageId), await keyOf(h.toStageId)]),
    )
    expect(keys).toEqual([
      [null, 'draft'],
      ['draft', 'pending_approval'],
      ['pending_approval', 'approved'],
      ['approved', 'active'],
      ['active', 'expired'],
      ['expired', 'renewed'],
    ])
    expect(history.map((h) => h.durationMs)).toEqual([null, 0, 60_000, 120_000, 30_000, 0])
    const time = await contracts().timeInStage(id)
    expect(time).toBeDefined()
    expect(events.filter((e) => e === 'contract.stage_changed')).toHaveLength(5)
    expect(events).toEqual(
      expect.arrayContaining([
        'contract.pending_approval',
        'contract.approved',
        'contract.active',
        'contract.expired',
        'contract.renewed',
      ]),
    )
    transcripts[adapter.name] = { keys, durations: history.map((h) => h.durationMs), events }
  })

  it('moves along every edge of the lifecycle and refuses every other move with INVALID_TRANSITION, writing nothing', async () => {
    const paths = pathsFromDraft()
    expect([...paths.keys()].sort()).toEqual([...CONTRACT_STATUSES].sort()) // every status is reachable
    const refused: string[] = []
    for (const from of CONTRACT_STATUSES) {
      const id = await newContract(`From ${from}`)
      for (const step of paths.get(from) ?? []) await contracts().update(id, { status: step })
      const before = [await contracts().get(id), await contracts().stageHistory(id)]
      for (const to of CONTRACT_STATUSES) {
        if (to === from || CONTRACT_TRANSITIONS[from].includes(to)) continue
        const { code } = await failure(contracts().update(id, { status: to }))
        // A void contract is read-only altogether; every other refusal is the machine's.
        expect([from, to, code]).toEqual([
          from,
          to,
          from === 'void' ? 'SALES_RECORD_LOCKED' : 'INVALID_TRANSITION',
        ])
        refused.push(`${from}→${to}`)
      }
      expect([await contracts().get(id), await contracts().stageHistory(id)]).toEqual(before)
      // …and every allowed edge is taken (each from a fresh contract in `from`).
      for (const to of CONTRACT_TRANSITIONS[from]) {
        const other = await newContract(`${from} to ${to}`)
        for (const step of paths.get(from) ?? []) await contracts().update(other, { status: step })
        expect((await contracts().update(other, { status: to }))['status']).toBe(to)
      }
    }
    // The issue's own examples: no skipping the approval, no way back from active, void from everywhere.
    expect(refused).toEqual(expect.arrayContaining(['draft→active', 'draft→approved', 'active→draft']))
    for (const from of CONTRACT_STATUSES) {
      if (from !== 'void') expect(CONTRACT_TRANSITIONS[from]).toContain('void')
    }
  })

  it('refuses a status that is not a stage, a status and stage id that disagree, and a stage not keyed with a status', async () => {
    const id = await newContract()
    const before = [await contracts().get(id), await contracts().stageHistory(id)]
    const unknown = await failure(contracts().update(id, { status: 'archived' }))
    expect(unknown.code).toBe('VALIDATION_FAILED') // not a contract status at all
    const current = await contracts().get(id)
    const pipeline = await t.crm.pipelines.get(String(current['pipelineId']))
    const voidStage = pipeline.stages.find((s) => s.key === 'void')?.id
    expect(
      (await failure(contracts().update(id, { status: 'pending_approval', stageId: String(voidStage) })))
        .code,
    ).toBe('VALIDATION_FAILED')
    expect([await contracts().get(id), await contracts().stageHistory(id)]).toEqual(before)

    // A tenant's own contract pipeline may add edges, not statuses the receivables would not understand.
    const custom = await t.crm.pipelines.create({
      ...contractPipelineTemplate,
      name: 'Framework agreements',
      entityType: 'contract',
      stages: [...contractPipelineTemplate.stages, { key: 'on_hold', name: 'On hold' }],
      transitions: [...(contractPipelineTemplate.transitions ?? []), { from: 'draft', to: 'on_hold' }],
    })
    const framework = await contracts().create({
      name: 'Framework',
      currency: 'EUR',
      amountMinor: 1,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      pipelineId: custom.id,
    })
    const onHold = custom.stages.find((s) => s.key === 'on_hold')?.id as string
    const refused = await failure(contracts().moveStage(String(framework['id']), onHold))
    expect(refused).toMatchObject({ code: 'INVALID_TRANSITION', details: { guard: 'contractStageIsStatus' } })
    expect(await contracts().get(String(framework['id']))).toEqual(framework)
  })
})

describe('the contract lifecycle on every adapter', () => {
  it('leaves the same history and events on each', () => {
    const names = Object.keys(transcripts)
    expect(names).toEqual(ADAPTERS.map((a) => a.name))
    for (const name of names) expect(transcripts[name]).toEqual(transcripts[names[0] as string])
  })
})
