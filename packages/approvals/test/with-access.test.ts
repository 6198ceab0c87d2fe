import { accessControl, defineAccessPolicy } from '@rapport/access'
import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApprovalsApi } from '../src/index.js'
import { accessDirectory, approvalsPlugin } from '../src/index.js'

/** Reps see and edit their own companies; the approvals plugin's actor is declared with the admin role. */
const access = defineAccessPolicy({
  roles: {
    rep: { entities: { company: { read: 'own', create: 'own', update: 'own', delete: 'own' } } },
    manager: { entities: { company: { read: 'teamTree', update: 'teamTree' } } },
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
  },
  teams: [{ id: 'east', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] }],
  users: { usr_ray: { roles: ['rep'] }, usr_rae: { roles: ['rep'] }, usr_mia: { roles: ['manager'] } },
  systemActors: { approvals: { roles: ['admin'] } },
})

describe.each(ADAPTERS)('approvals under @rapport/access on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm>>
  beforeAll(async () => {
    t = await openCrm(
      adapter,
      [
        accessControl(access),
        approvalsPlugin({
          directory: accessDirectory(access),
          policies: [
            {
              id: 'review',
              entity: 'company',
              steps: [{ name: 'manager', approvers: [{ managerOf: 'submitter' }] }],
            },
          ],
        }),
      ] as const,
      () => new Date('2026-03-02T09:00:00.000Z'),
    )
  })
  afterAll(() => t.dispose())

  it('locks the record for its owner, resolves the manager from the teams, and hides others’ records', async () => {
    const ray = t.crm.scoped({ actor: { id: 'usr_ray' } })
    const rae = t.crm.scoped({ actor: { id: 'usr_rae' } })
    const mine = await ray.companies.create({ name: 'Ray Co', ownerId: 'usr_ray' })
    const hers = await rae.companies.create({ name: 'Rae Co', ownerId: 'usr_rae' })
    const approvals = t.crm.plugins['approvals'] as ApprovalsApi
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: unknown) => (isRapportError(e) ? e.code : e),
      )

    // a record outside the submitter's access does not exist for them
    expect(await codeOf(approvals.as('usr_ray').submit({ policyId: 'review', recordId: hers.id }))).toBe(
      'NOT_FOUND',
    )
    expect(await approvals.requestsOf('company', hers.id)).toEqual([])

    const request = await approvals.as('usr_ray').submit({ policyId: 'review', recordId: mine.id })
    expect(request.plan).toEqual([['usr_mia']])
    // the owner may edit their company, but not while it is pending; reps cannot write approval rows
    expect(await codeOf(ray.companies.update(mine.id, { name: 'Ray Co 2' }))).toBe('APPROVALS_RECORD_LOCKED')
    expect(await codeOf(ray.entity('approvalRequest').update(request.id, { status: 'approved' }))).not.toBe(
      'no error',
    )
    expect((await ray.companies.get(mine.id)).name).toBe('Ray Co')

    const done = await approvals.as('usr_mia').approve(request.id)
    expect(done.status).toBe('approved')
    expect((await ray.companies.update(mine.id, { name: 'Ray Co 2' })).name).toBe('Ray Co 2')
  })
})
