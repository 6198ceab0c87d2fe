import { isRapportError } from '@rapport/core'
import { ADAPTERS } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approvalsPlugin } from '../src/index.js'
import { openApprovals, policies } from './fixture.js'

type Opened = Awaited<ReturnType<typeof openApprovals>>

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )
}

/** Every approval row and every company, for "nothing was written" checks. */
async function snapshot(t: Opened) {
  const all = async (entity: string) => {
    const rows: unknown[] = []
    for await (const row of t.crm.entity(entity).iterate({ orderBy: [{ field: 'id', direction: 'asc' }] }))
      rows.push(row)
    return rows
  }
  return {
    requests: await all('approvalRequest'),
    tasks: await all('approvalTask'),
    log: await all('approvalLog'),
    companies: await all('company'),
  }
}

describe.each(ADAPTERS)('bad input on $name: a typed error and nothing written', (adapter) => {
  let t: Opened
  let companyId: string
  let requestId: string
  beforeAll(async () => {
    t = await openApprovals(adapter, {
      policies: [
        ...policies,
        { id: 'nobody', entity: 'company', steps: [{ name: 'auditors', approvers: [{ role: 'auditor' }] }] },
      ],
    })
    const co = await t.crm.companies.create({ name: 'Locked Co', industry: 'energy' })
    companyId = co.id
    requestId = (await t.approvals.as('usr_ray').submit({ policyId: 'energy-account', recordId: co.id })).id
  })
  afterAll(() => t.dispose())

  const cases: [string, string, (t: Opened) => Promise<unknown>][] = [
    [
      'a decision by someone who is not an approver',
      'APPROVALS_NOT_APPROVER',
      (t) => t.approvals.as('usr_rae').approve(requestId),
    ],
    [
      'a rejection by an approver of a later step',
      'APPROVALS_NOT_APPROVER',
      (t) => t.approvals.as('usr_fin1').reject(requestId),
    ],
    [
      'the submitter approving their own request',
      'APPROVALS_SELF_APPROVAL',
      (t) => t.approvals.as('usr_ray').approve(requestId),
    ],
    [
      'an edit of the locked record',
      'APPROVALS_RECORD_LOCKED',
      (t) => t.crm.companies.update(companyId, { industry: 'retail' }),
    ],
    ['a delete of the locked record', 'APPROVALS_RECORD_LOCKED', (t) => t.crm.companies.delete(companyId)],
    [
      'an unknown policy',
      'APPROVALS_UNKNOWN_POLICY',
      (t) => t.approvals.as('usr_ray').submit({ policyId: 'nope', recordId: companyId }),
    ],
    [
      'a second submission of a pending record',
      'APPROVALS_ALREADY_PENDING',
      (t) => t.approvals.as('usr_rae').submit({ policyId: 'two-reviewers', recordId: companyId }),
    ],
    [
      'an unknown record',
      'NOT_FOUND',
      (t) => t.approvals.as('usr_ray').submit({ policyId: 'two-reviewers', recordId: 'com_missing' }),
    ],
    [
      'a recall by someone else',
      'APPROVALS_NOT_SUBMITTER',
      (t) => t.approvals.as('usr_mia').recall(requestId),
    ],
    [
      'a delegation to oneself',
      'APPROVALS_DELEGATION_REFUSED',
      (t) => t.approvals.as('usr_mia').delegate(requestId, 'usr_mia'),
    ],
    [
      'a delegation to an empty id',
      'APPROVALS_DELEGATION_REFUSED',
      (t) => t.approvals.as('usr_mia').delegate(requestId, ''),
    ],
    [
      'a delegation by a non-approver',
      'APPROVALS_NOT_APPROVER',
      (t) => t.approvals.as('usr_rae').delegate(requestId, 'usr_vp'),
    ],
    [
      'a decision on an unknown request',
      'NOT_FOUND',
      (t) => t.approvals.as('usr_mia').approve('apr_missing'),
    ],
    [
      'a user writing a task directly',
      'APPROVALS_READ_ONLY',
      (t) =>
        t.crm.entity('approvalTask').create({
          requestId,
          policyId: 'energy-account',
          stepIndex: 0,
          stepName: 'manager',
          round: 1,
          slot: 0,
          assignee: 'usr_rae',
          originalAssignee: 'usr_rae',
          status: 'pending',
          openedAt: new Date(),
        }),
    ],
    [
      'a user approving a request by updating it',
      'APPROVALS_READ_ONLY',
      (t) => t.crm.entity('approvalRequest').update(requestId, { status: 'approved' }),
    ],
    [
      'the plugin itself changing a log entry',
      'APPROVALS_READ_ONLY',
      async (t) => {
        const [entry] = await t.approvals.logOf(requestId)
        return t.crm
          .scoped({ actor: { id: 'approvals' } })
          .entity('approvalLog')
          .update(String(entry?.id), { comment: 'rewritten' })
      },
    ],
    [
      'the plugin itself deleting a log entry',
      'APPROVALS_READ_ONLY',
      async (t) => {
        const [entry] = await t.approvals.logOf(requestId)
        return t.crm
          .scoped({ actor: { id: 'approvals' } })
          .entity('approvalLog')
          .delete(String(entry?.id))
      },
    ],
  ]

  it.each(cases)('%s → %s', async (_name, code, attempt) => {
    const before = await snapshot(t)
    expect(await codeOf(attempt(t))).toBe(code)
    expect(await snapshot(t)).toEqual(before)
  })

  it('a record outside the entry filter, or a step nobody can approve, is refused and not locked', async () => {
    const co = await t.crm.companies.create({ name: 'Retail Co', industry: 'retail' })
    const before = await snapshot(t)
    expect(
      await codeOf(t.approvals.as('usr_ray').submit({ policyId: 'energy-account', recordId: co.id })),
    ).toBe('APPROVALS_ENTRY_NOT_MET')
    expect(await codeOf(t.approvals.as('usr_ray').submit({ policyId: 'nobody', recordId: co.id }))).toBe(
      'APPROVALS_NO_APPROVER',
    )
    expect(await snapshot(t)).toEqual(before)
    expect((await t.crm.companies.update(co.id, { name: 'Retail Co.' })).name).toBe('Retail Co.')
  })

  it('two answers at once on a first-answer step: exactly one counts', async () => {
    const co = await t.crm.companies.create({ name: 'Race Co', industry: 'energy' })
    const request = await t.approvals.as('usr_rae').submit({ policyId: 'energy-account', recordId: co.id })
    await t.approvals.as('usr_mia').approve(request.id)
    const results = await Promise.allSettled([
      t.approvals.as('usr_fin1').approve(request.id),
      t.approvals.as('usr_fin2').reject(request.id),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won.length).toBeGreaterThanOrEqual(1)
    const decisions = (await t.approvals.logOf(request.id)).filter(
      (e) => e.stepIndex === 1 && (e.action === 'approved' || e.action === 'rejected'),
    )
    expect(decisions.length).toBe(1)
    const [final] = await t.approvals.requestsOf('company', co.id)
    expect(final?.status).toBe(decisions[0]?.action)
  })
})

describe('a broken policy is refused before anything runs', () => {
  it('malformed policies throw APPROVALS_INVALID_POLICY when the plugin is created', () => {
    const bad = [
      { id: 'x', entity: 'company', steps: [] },
      { id: 'x', entity: 'company', steps: [{ name: 's', approvers: [{ someone: 'usr_a' }] }] },
      { id: 'x', entity: 'company', steps: [{ name: 's', approvers: [{ user: 'a' }], mode: 'most' }] },
      {
        id: 'x',
        entity: 'company',
        steps: [
          { name: 's', approvers: [{ user: 'a' }] },
          { name: 's', approvers: [{ user: 'b' }] },
        ],
      },
      { id: 'x', entity: 'approvalLog', steps: [{ name: 's', approvers: [{ user: 'a' }] }] },
    ]
    for (const policy of bad) {
      expect(() => approvalsPlugin({ policies: [policy as never] })).toThrow(
        expect.objectContaining({ code: 'APPROVALS_INVALID_POLICY' }),
      )
    }
  })

  it('a filter naming an unknown field is APPROVALS_INVALID_POLICY on migrate', async () => {
    const [memory] = ADAPTERS
    if (!memory) throw new Error('no adapter')
    const error = await openApprovals(memory, {
      policies: [
        {
          id: 'typo',
          entity: 'company',
          entryFilter: { field: 'industri', op: 'eq', value: 'x' },
          steps: [{ name: 's', approvers: [{ user: 'a' }] }],
        },
      ],
    }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(isRapportError(error) ? error.code : error).toBe('APPROVALS_INVALID_POLICY')
  })
})
