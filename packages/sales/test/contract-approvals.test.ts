import { defineAccessPolicy } from '@rapport/access'
import { accessDirectory, approvalsPlugin } from '@rapport/approvals'
import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contractApprovalPolicy } from '../src/contracts/contract-approval.js'
import { contractPipelineTemplate } from '../src/contracts/contract-lifecycle.js'
import { agingOf } from '../src/receivables/aging.js'
import { receivablesPlugin } from '../src/receivables/receivables-plugin.js'

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )
}

/** usr_ray and usr_rae sell under usr_mia; usr_fin holds `finance`. */
const people = defineAccessPolicy({
  roles: { rep: { entities: {} }, manager: { entities: {} }, finance: { entities: {} } },
  teams: [{ id: 'east', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] }],
  users: {
    usr_ray: { roles: ['rep'] },
    usr_rae: { roles: ['rep'] },
    usr_mia: { roles: ['manager'] },
    usr_fin: { roles: ['finance'] },
  },
})

const policy = contractApprovalPolicy({
  steps: [
    { name: 'manager', approvers: [{ managerOf: 'submitter' }] },
    // Large contracts also need finance (first answer decides).
    {
      name: 'finance',
      approvers: [{ role: 'finance' }],
      mode: 'any',
      when: { field: 'amountMinor', op: 'gte', value: 1_000_000 },
    },
  ],
})

const plugins = () =>
  [receivablesPlugin(), approvalsPlugin({ policies: [policy], directory: accessDirectory(people) })] as const

/** What each adapter ends with, ids left out, compared at the end. */
const transcripts: Record<string, unknown> = {}

describe.each(ADAPTERS)('contracts approved through @rapport/approvals on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<ReturnType<typeof plugins>>>>
  beforeAll(async () => {
    t = await openCrm(adapter, plugins())
  }, 60_000) // migrating Postgres on a loaded machine can outlast the default 10 s
  afterAll(() => t.dispose())

  /** Every contract, request, task and log row: for "nothing was written" checks. */
  const everything = async () => {
    const out: Record<string, unknown[]> = {}
    for (const entity of [
      'contract',
      'approvalRequest',
      'approvalTask',
      'approvalLog',
      'installment',
      'payment',
    ]) {
      out[entity] = (await t.crm.entity(entity).list({ orderBy: [{ field: 'id' }], limit: 1000 })).items
    }
    return out
  }

  it('runs draft → pending approval → rejected → draft → approved → active, then plans, pays and ages', async () => {
    const { crm } = t
    const approvals = crm.plugins.approvals
    const ray = crm.scoped({ actor: { id: 'usr_ray' } })
    const contract = await ray.entity('contract').create({
      name: 'ACME 2026',
      currency: 'EUR',
      amountMinor: 2_400_000,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    })
    const id = String(contract['id'])
    // A contract cannot be born approved, nor skip its approval.
    expect(
      await codeOf(
        ray.entity('contract').create({
          name: 'x',
          currency: 'EUR',
          amountMinor: 1,
          startDate: '2026-01-01',
          endDate: '2026-01-02',
          status: 'approved',
        }),
      ),
    ).toBe('APPROVALS_APPROVAL_REQUIRED')
    expect(await codeOf(ray.entity('contract').update(id, { status: 'approved' }))).toBe('INVALID_TRANSITION')

    // The rep moves it to pending approval: the request opens in that write, with the rep as submitter.
    await ray.entity('contract').update(id, { status: 'pending_approval' })
    const [request] = await approvals.requestsOf('contract', id)
    expect(request).toMatchObject({
      status: 'pending',
      submittedBy: 'usr_ray',
      plan: [['usr_mia'], ['usr_fin']],
    })

    // Locked while pending; only the resolved approver decides; nothing is written by a refusal.
    const before = await everything()
    expect(await codeOf(crm.entity('contract').update(id, { name: 'ACME 2026 v2' }))).toBe(
      'APPROVALS_RECORD_LOCKED',
    )
    expect(await codeOf(crm.entity('contract').update(id, { status: 'approved' }))).toBe(
      'APPROVALS_RECORD_LOCKED',
    )
    expect(await codeOf(approvals.as('usr_rae').approve(request!.id))).toBe('APPROVALS_NOT_APPROVER')
    expect(await codeOf(approvals.as('usr_fin').approve(request!.id))).toBe('APPROVALS_NOT_APPROVER')
    expect(await codeOf(approvals.as('usr_ray').approve(request!.id))).toBe('APPROVALS_SELF_APPROVAL')
    expect(
      await codeOf(
        crm.plugins.receivables.recordPayment(id, {
          amountMinor: 1,
          currency: 'EUR',
          receivedOn: '2026-01-02',
        }),
      ),
    ).toBe('SALES_RECORD_LOCKED')
    expect(await everything()).toEqual(before)

    // Rejected: back to draft, editable again.
    await approvals.as('usr_mia').reject(request!.id, { comment: 'fix the name' })
    expect((await crm.entity('contract').get(id))['status']).toBe('draft')
    await ray.entity('contract').update(id, { name: 'ACME 2026 (signed)' })

    // Submitted again through the API: manager, then finance.
    const again = await approvals.as('usr_ray').submit({ policyId: policy.id, recordId: id })
    expect((await crm.entity('contract').get(id))['status']).toBe('pending_approval')
    await approvals.as('usr_mia').approve(again.id)
    expect((await crm.entity('contract').get(id))['status']).toBe('pending_approval')
    expect((await approvals.as('usr_fin').approve(again.id)).status).toBe('approved')
    expect((await crm.entity('contract').get(id))['status']).toBe('approved')
    await crm.entity('contract').update(id, { status: 'active' })

    const api = crm.plugins.receivables
    await api.planInstallments(id, [
      { percent: 25, dueDate: '2026-02-28' },
      { percent: 25, dueDate: '2026-05-31' },
      { balance: true, dueDate: '2026-08-31' },
    ])
    await api.recordPayment(id, { amountMinor: 800_000, currency: 'EUR', receivedOn: '2026-03-10' })
    const rows = await api.installments(id, { asOf: '2026-06-15' })
    const aging = await api.aging({ asOf: '2026-06-15', currency: 'EUR' })
    expect(aging).toEqual(agingOf(rows, '2026-06-15', 'EUR'))
    expect(rows.map((r) => [r.amountMinor, r.paidMinor, r.status])).toEqual([
      [600_000, 600_000, 'paid'],
      [600_000, 200_000, 'overdue'],
      [1_200_000, 0, 'pending'],
    ])

    // A recall puts a second contract back to draft.
    const small = await ray.entity('contract').create({
      name: 'Pilot',
      currency: 'EUR',
      amountMinor: 10_000,
      startDate: '2026-01-01',
      endDate: '2026-03-31',
    })
    const pilot = await approvals.as('usr_ray').submit({ policyId: policy.id, recordId: String(small['id']) })
    expect(pilot.plan).toEqual([['usr_mia'], null])
    await approvals.as('usr_ray').recall(pilot.id)
    expect((await crm.entity('contract').get(String(small['id'])))['status']).toBe('draft')

    const logs = []
    for (const r of [request!, again, pilot]) {
      logs.push(
        (await approvals.logOf(r.id)).map((e) => [
          e.action,
          e.actorId,
          e.stepIndex,
          e.assignee ?? null,
          e.recordHash !== null,
        ]),
      )
    }
    transcripts[adapter.name] = {
      logs,
      rows: rows.map(({ id: _i, contractId: _c, ...rest }) => rest),
      aging,
      balance: { ...(await api.balance(id)), contractId: null },
      statuses: (await crm.entity('contract').list({ orderBy: [{ field: 'name' }] })).items.map((c) => [
        c['name'],
        c['status'],
      ]),
    }
  })

  it('lets nobody reach approved by moving the stage instead of the status: APPROVALS_APPROVAL_REQUIRED, nothing written', async () => {
    const { crm } = t
    const ray = crm.scoped({ actor: { id: 'usr_ray' } })
    // A tenant pipeline with a shortcut draft → approved: the machine allows the edge, the approval policy does not.
    const shortcut = await crm.pipelines.create({
      ...contractPipelineTemplate,
      name: 'Shortcut',
      entityType: 'contract',
      transitions: [...(contractPipelineTemplate.transitions ?? []), { from: 'draft', to: 'approved' }],
    })
    const approvedStage = shortcut.stages.find((s) => s.key === 'approved')?.id as string
    const contract = await ray.staged('contract').create({
      name: 'Shortcut deal',
      currency: 'EUR',
      amountMinor: 5_000,
      startDate: '2026-01-01',
      endDate: '2026-06-30',
      pipelineId: shortcut.id,
    })
    const id = String(contract['id'])
    const before = await everything()
    expect(await codeOf(ray.staged('contract').moveStage(id, approvedStage))).toBe(
      'APPROVALS_APPROVAL_REQUIRED',
    )
    expect(await codeOf(ray.entity('contract').update(id, { stageId: approvedStage }))).toBe(
      'APPROVALS_APPROVAL_REQUIRED',
    )
    expect(await codeOf(ray.entity('contract').update(id, { status: 'approved' }))).toBe(
      'APPROVALS_APPROVAL_REQUIRED',
    )
    expect(await everything()).toEqual(before)
    expect(await crm.staged('contract').stageHistory(id)).toHaveLength(1)
    // The way through is the approval.
    await ray.entity('contract').update(id, { status: 'pending_approval' })
    const [request] = await crm.plugins.approvals.requestsOf('contract', id)
    await crm.plugins.approvals.as('usr_mia').approve(String(request?.id))
    expect((await crm.staged('contract').get(id))['stageId']).toBe(approvedStage)
    await crm.entity('contract').update(id, { status: 'void' }) // out of the adapters' transcript
  })
})

describe('memory, SQLite and Postgres', () => {
  it('agree on the approval logs, contract statuses, installments, balance and aging', () => {
    expect(Object.keys(transcripts)).toEqual(['memory', 'sqlite', 'postgres'])
    expect(transcripts['sqlite']).toEqual(transcripts['memory'])
    expect(transcripts['postgres']).toEqual(transcripts['memory'])
  })
})
