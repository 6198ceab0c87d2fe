import { definePlugin, isRapportError } from '@rapport/core'
import type { StorageSchema } from '@rapport/core/storage'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordHash } from '../src/engine/record-hash.js'
import type { ApprovalPolicy } from '../src/index.js'
import { accessDirectory, approvalsPlugin } from '../src/index.js'
import { accessPolicy } from './fixture.js'

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )
}

const optionPolicies: ApprovalPolicy[] = [
  // The owner approves: under the default (refuse), an owner who submits is left out.
  {
    id: 'owner-refuse',
    entity: 'company',
    entryFilter: { field: 'industry', op: 'eq', value: 'retail' },
    steps: [{ name: 'owner', approvers: [{ field: 'ownerId' }] }],
  },
  {
    id: 'owner-allow',
    entity: 'company',
    entryFilter: { field: 'industry', op: 'eq', value: 'media' },
    selfApproval: 'allow',
    steps: [{ name: 'owner', approvers: [{ field: 'ownerId' }] }],
  },
  {
    id: 'locking',
    entity: 'company',
    entryFilter: { field: 'industry', op: 'eq', value: 'defence' },
    afterApproval: 'lock',
    steps: [{ name: 'manager', approvers: [{ managerOf: 'submitter' }] }],
  },
  {
    id: 'chain',
    entity: 'company',
    entryFilter: { field: 'industry', op: 'eq', value: 'shipping' },
    steps: [
      {
        name: 'rep',
        approvers: [{ user: 'usr_rae' }],
        timeout: { after: { days: 1 }, action: 'escalate', levels: 2 },
      },
    ],
  },
]

describe.each(ADAPTERS)('approval policy options on $name', (adapter) => {
  let schema: StorageSchema | undefined
  const spy = definePlugin({
    id: 'schemaSpy',
    init: (ctx) => {
      schema = ctx.schema
    },
  })
  let t: Awaited<ReturnType<typeof open>>
  const open = () =>
    openCrm(adapter, [
      approvalsPlugin({ policies: optionPolicies, directory: accessDirectory(accessPolicy) }),
      spy,
    ] as const)
  beforeAll(async () => {
    t = await open()
  }, 60_000) // migrating Postgres on a loaded machine can outlast the default 10 s
  afterAll(() => t.dispose())

  it('refuses self-approval by default (the submitter is no approver) and allows it when the policy says so', async () => {
    const { crm } = t
    const approvals = crm.plugins.approvals
    const shop = await crm.companies.create({ name: 'Shop', industry: 'retail', ownerId: 'usr_ray' })
    const requests = await crm.entity('approvalRequest').count()
    expect(
      await codeOf(approvals.as('usr_ray').submit({ policyId: 'owner-refuse', recordId: shop.id })),
    ).toBe('APPROVALS_NO_APPROVER')
    expect(await crm.entity('approvalRequest').count()).toBe(requests)
    // Someone else submits: the owner approves, and cannot hand the task to the submitter.
    const request = await approvals.as('usr_rae').submit({ policyId: 'owner-refuse', recordId: shop.id })
    expect(await codeOf(approvals.as('usr_ray').delegate(request.id, 'usr_rae'))).toBe(
      'APPROVALS_DELEGATION_REFUSED',
    )
    expect(await codeOf(approvals.as('usr_rae').approve(request.id))).toBe('APPROVALS_SELF_APPROVAL')
    expect((await approvals.as('usr_ray').approve(request.id)).status).toBe('approved')

    const studio = await crm.companies.create({ name: 'Studio', industry: 'media', ownerId: 'usr_ray' })
    const own = await approvals.as('usr_ray').submit({ policyId: 'owner-allow', recordId: studio.id })
    expect((await approvals.as('usr_ray').approve(own.id)).status).toBe('approved')
  })

  it('hashes the record as submitted; a decision on a changed record is APPROVALS_RECORD_CHANGED and writes nothing', async () => {
    const { crm } = t
    const approvals = crm.plugins.approvals
    const shop = await crm.companies.create({ name: 'Kiosk', industry: 'retail', ownerId: 'usr_mia' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'owner-refuse', recordId: shop.id })
    const submitted = await recordHash({ ...(await crm.companies.get(shop.id)) })
    expect(request.recordHash).toBe(submitted)
    expect((await approvals.logOf(request.id))[0]).toMatchObject({
      action: 'submitted',
      recordHash: submitted,
    })
    // The lock stops every write through the services; a write below them changes what was reviewed.
    if (!schema?.models['company']) throw new Error('no schema')
    await crm.storage.updateById({
      model: schema.models['company'],
      tenantId: crm.tenantId,
      schema,
      id: shop.id,
      data: { name: 'Kiosk (renamed)' },
    })
    const log = await approvals.logOf(request.id)
    const tasks = await crm
      .entity('approvalTask')
      .list({ where: { field: 'requestId', op: 'eq', value: request.id } })
    expect(await codeOf(approvals.as('usr_mia').approve(request.id))).toBe('APPROVALS_RECORD_CHANGED')
    expect(await approvals.logOf(request.id)).toEqual(log)
    expect(
      await crm.entity('approvalTask').list({ where: { field: 'requestId', op: 'eq', value: request.id } }),
    ).toEqual(tasks)
    expect((await approvals.requestsOf('company', shop.id))[0]?.status).toBe('pending')
    // Back to what was reviewed: the decision applies and its log entry carries the hash it checked.
    await crm.storage.updateById({
      model: schema.models['company'],
      tenantId: crm.tenantId,
      schema,
      id: shop.id,
      data: { name: 'Kiosk' },
    })
    expect((await approvals.as('usr_mia').approve(request.id)).status).toBe('approved')
    const approved = (await approvals.logOf(request.id)).find((e) => e.action === 'approved')
    expect(approved?.recordHash).toBe(submitted)
  })

  it("keeps the record locked after approval under afterApproval: 'lock', until unlock()", async () => {
    const { crm } = t
    const approvals = crm.plugins.approvals
    const co = await crm.companies.create({ name: 'Arms Ltd', industry: 'defence' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'locking', recordId: co.id })
    await approvals.as('usr_mia').approve(request.id)
    expect(await codeOf(crm.companies.update(co.id, { name: 'x' }))).toBe('APPROVALS_RECORD_LOCKED')
    expect(await codeOf(crm.companies.archive(co.id))).toBe('APPROVALS_RECORD_LOCKED')
    expect(await codeOf(approvals.as('usr_ray').submit({ policyId: 'locking', recordId: co.id }))).toBe(
      'APPROVALS_RECORD_LOCKED',
    )
    expect((await crm.companies.get(co.id)).name).toBe('Arms Ltd')
    expect(
      (await approvals.unlock('company', co.id, { comment: 'contract amended' })).map((r) => r.id),
    ).toEqual([request.id])
    expect((await crm.companies.update(co.id, { name: 'Arms Ltd.' })).name).toBe('Arms Ltd.')
    expect((await approvals.logOf(request.id)).at(-1)).toMatchObject({
      action: 'unlocked',
      comment: 'contract amended',
    })
  })

  it('escalates a timed-out task up the manager chain, one level per timeout, at most `levels` up', async () => {
    const { crm } = t
    const approvals = crm.plugins.approvals
    const co = await crm.companies.create({ name: 'Ferry Co', industry: 'shipping' })
    const request = await approvals.as('usr_ray').submit({ policyId: 'chain', recordId: co.id })
    const open = async () =>
      (
        await crm.entity('approvalTask').list({ where: { field: 'requestId', op: 'eq', value: request.id } })
      ).items
        .filter((x) => x['status'] === 'pending')
        .map((x) => ({ id: String(x['id']), assignee: x['assignee'], escalations: x['escalations'] }))
    const [first] = await open()
    expect(first).toMatchObject({ assignee: 'usr_rae', escalations: 0 })
    expect(await approvals.handleTimeout(first!.id)).toBe('escalated')
    const [second] = await open()
    expect(second).toMatchObject({ assignee: 'usr_mia', escalations: 1 })
    expect(await approvals.handleTimeout(second!.id)).toBe('escalated')
    const [third] = await open()
    expect(third).toMatchObject({ assignee: 'usr_vp', escalations: 2 })
    // Two levels up from usr_rae: the chain ends here, the next timeout reminds.
    expect(await approvals.handleTimeout(third!.id)).toBe('reminded')
    expect((await open()).map((x) => x.assignee)).toEqual(['usr_vp'])
    const log = (await approvals.logOf(request.id)).map((e) => [e.action, e.assignee ?? '-'])
    expect(log.filter(([a]) => a === 'escalated' || a === 'reminded')).toEqual([
      ['escalated', 'usr_mia'],
      ['escalated', 'usr_vp'],
      ['reminded', 'usr_vp'],
    ])
    expect((await approvals.as('usr_vp').approve(request.id)).status).toBe('approved')
  })
})
