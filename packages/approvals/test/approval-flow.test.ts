import { isRapportError } from '@rapport/core'
import { ADAPTERS } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApprovalsApi } from '../src/index.js'
import { openApprovals } from './fixture.js'

type Opened = Awaited<ReturnType<typeof openApprovals>>

/** What each adapter did, with ids left out, compared across adapters at the end. */
const transcripts = new Map<string, unknown[]>()

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(isRapportError(error) ? error.code : error).toBe(code)
}

/** The log of a request without ids or instants. */
async function logLines(approvals: ApprovalsApi, requestId: string) {
  return (await approvals.logOf(requestId)).map((e) =>
    [e.action, e.actorId, e.stepIndex, e.assignee ?? '-', e.comment ?? '-'].join(' '),
  )
}

describe.each(ADAPTERS)('approvals on $name', (adapter) => {
  let t: Opened
  const transcript: unknown[] = []
  beforeAll(async () => {
    t = await openApprovals(adapter)
  })
  afterAll(async () => {
    transcripts.set(adapter.name, transcript)
    await t.dispose()
  })

  it('runs a manager step, then a first-answer finance step, and locks the record meanwhile', async () => {
    const { crm, approvals } = t
    const acme = await crm.companies.create({ name: 'Acme Power', industry: 'energy', ownerId: 'usr_ray' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'energy-account', recordId: acme.id })
    expect(request).toMatchObject({
      status: 'pending',
      stepIndex: 0,
      plan: [['usr_mia'], ['usr_fin1', 'usr_fin2']],
    })
    expect((await approvals.as('usr_mia').inbox()).map((x) => x.requestId)).toEqual([request.id])

    // locked: an edit is refused and nothing changes
    await expectCode(crm.companies.update(acme.id, { name: 'Renamed' }), 'APPROVALS_RECORD_LOCKED')
    await expectCode(crm.companies.delete(acme.id), 'APPROVALS_RECORD_LOCKED')
    expect(await crm.companies.get(acme.id)).toEqual(acme)

    t.tick()
    const afterManager = await approvals.as('usr_mia').approve(request.id, { comment: 'fine by me' })
    expect(afterManager).toMatchObject({ status: 'pending', stepIndex: 1 })
    expect((await approvals.as('usr_fin1').inbox()).length).toBe(1)
    expect((await approvals.as('usr_fin2').inbox()).length).toBe(1)

    t.tick()
    const done = await approvals.as('usr_fin2').approve(request.id)
    expect(done.status).toBe('approved')
    expect(await approvals.as('usr_fin1').inbox()).toEqual([])
    // unlocked again
    expect((await crm.companies.update(acme.id, { name: 'Acme Power Ltd' })).name).toBe('Acme Power Ltd')

    const lines = await logLines(approvals, request.id)
    expect(lines).toEqual([
      'submitted usr_ray  - -',
      'assigned usr_ray 0 usr_mia -',
      'approved usr_mia 0 usr_mia fine by me',
      'stepApproved usr_mia 0 - -',
      'assigned usr_mia 1 usr_fin1 -',
      'assigned usr_mia 1 usr_fin2 -',
      'approved usr_fin2 1 usr_fin2 -',
      'stepApproved usr_fin2 1 - -',
      'completed usr_fin2 1 - approved',
    ])
    transcript.push(lines)
  })

  it('sends a countersign rejection back one step, then approves when both sign', async () => {
    const { crm, approvals } = t
    const mine = await crm.companies.create({ name: 'Deep Ore', industry: 'mining', ownerId: 'usr_rae' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'countersign', recordId: mine.id })
    expect(request.plan).toEqual([['usr_rae'], ['usr_mia', 'usr_vp']])
    await approvals.as('usr_rae').approve(request.id)
    await approvals.as('usr_mia').approve(request.id)
    const back = await approvals.as('usr_vp').reject(request.id, { comment: 'price too low' })
    expect(back).toMatchObject({ status: 'pending', stepIndex: 0 })
    expect((await approvals.as('usr_rae').inbox()).length).toBe(1)
    await approvals.as('usr_rae').approve(request.id)
    await approvals.as('usr_vp').approve(request.id)
    const done = await approvals.as('usr_mia').approve(request.id)
    expect(done.status).toBe('approved')
    const lines = await logLines(approvals, request.id)
    expect(lines.filter((l) => l.startsWith('sentBack') || l.startsWith('completed'))).toEqual([
      'sentBack usr_vp 1 - -',
      'completed usr_mia 1 - approved',
    ])
    transcript.push(lines)
  })

  it('rejects outright from the first step, and a rejected record can be submitted again', async () => {
    const { crm, approvals } = t
    const co = await crm.companies.create({ name: 'Shaky Oil', industry: 'energy' })
    const first = await approvals.as('usr_rae').submit({ policyId: 'energy-account', recordId: co.id })
    const rejected = await approvals.as('usr_mia').reject(first.id, { comment: 'no' })
    expect(rejected.status).toBe('rejected')
    await expectCode(approvals.as('usr_mia').approve(first.id), 'APPROVALS_NOT_PENDING')
    const second = await approvals.as('usr_rae').submit({ policyId: 'energy-account', recordId: co.id })
    expect(second.status).toBe('pending')
    expect((await approvals.requestsOf('company', co.id)).map((r) => r.status).sort()).toEqual([
      'pending',
      'rejected',
    ])
    transcript.push(await logLines(approvals, first.id))
  })

  it('lets only the submitter recall, which unlocks the record', async () => {
    const { crm, approvals } = t
    const co = await crm.companies.create({ name: 'Recall Corp' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'two-reviewers', recordId: co.id })
    await expectCode(approvals.as('usr_rev1').recall(request.id), 'APPROVALS_NOT_SUBMITTER')
    const recalled = await approvals.as('usr_ray').recall(request.id, { comment: 'typo' })
    expect(recalled.status).toBe('recalled')
    expect(await approvals.as('usr_rev1').inbox()).toEqual([])
    expect((await crm.companies.update(co.id, { name: 'Recall Corp.' })).name).toBe('Recall Corp.')
    transcript.push(await logLines(approvals, request.id))
  })

  it('runs a sequential step in order and keeps the original approver through a delegation', async () => {
    const { crm, approvals } = t
    const co = await crm.companies.create({ name: 'Seq Ltd' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'two-reviewers', recordId: co.id })
    // the second reviewer's turn has not come
    await expectCode(approvals.as('usr_rev2').approve(request.id), 'APPROVALS_NOT_APPROVER')
    const task = await approvals.as('usr_rev1').delegate(request.id, 'usr_sub', { comment: 'on leave' })
    expect(task).toMatchObject({ assignee: 'usr_sub', originalAssignee: 'usr_rev1', status: 'pending' })
    await expectCode(approvals.as('usr_rev1').approve(request.id), 'APPROVALS_NOT_APPROVER')
    await approvals.as('usr_sub').approve(request.id)
    await approvals.as('usr_rev2').approve(request.id)
    await expectCode(approvals.as('usr_mia').delegate(request.id, 'usr_vp'), 'APPROVALS_DELEGATION_REFUSED')
    const done = await approvals.as('usr_mia').approve(request.id)
    expect(done.status).toBe('approved')
    transcript.push(await logLines(approvals, request.id))
  })
})

describe('the three adapters', () => {
  it('wrote the same approval logs', () => {
    const [memory, ...others] = ADAPTERS.map((a) => transcripts.get(a.name))
    expect(memory?.length).toBe(5)
    for (const other of others) expect(other).toEqual(memory)
  })
})
