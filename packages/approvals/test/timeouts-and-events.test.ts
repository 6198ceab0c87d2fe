import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import { ADAPTERS } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApprovalPolicy, ApprovalsApi } from '../src/index.js'
import {
  accessDirectory,
  approvalsPlugin,
  approvalTimeoutFunctions,
  approvalTimeoutRules,
} from '../src/index.js'
import { accessPolicy } from './fixture.js'

const HOUR = 3_600_000

const timed: ApprovalPolicy[] = [
  {
    id: 'escalating',
    entity: 'company',
    entryFilter: { field: 'industry', op: 'eq', value: 'energy' },
    steps: [
      {
        name: 'manager',
        approvers: [{ managerOf: 'submitter' }],
        timeout: { after: { days: 2 }, action: 'escalate' },
      },
    ],
  },
  {
    id: 'auto',
    entity: 'company',
    entryFilter: { field: 'industry', op: 'eq', value: 'retail' },
    steps: [
      {
        name: 'desk',
        approvers: [{ user: 'usr_desk' }],
        timeout: { after: { hours: 4 }, action: 'approve' },
      },
    ],
  },
]

async function open(adapter: (typeof ADAPTERS)[number]) {
  const { storage, dispose } = await adapter.open()
  let now = new Date('2026-03-02T09:00:00.000Z')
  const clock = () => now
  const queue = createInProcessQueue()
  const crm = createCrm({
    storage,
    clock,
    plugins: [
      approvalsPlugin({ policies: timed, directory: accessDirectory(accessPolicy), clock }),
      automationPlugin({
        clock,
        queue,
        entities: ['company', 'approvalRequest'],
        rules: [
          ...approvalTimeoutRules(timed),
          {
            id: 'approved-follow-up',
            name: 'Follow up approved requests',
            entity: 'approvalRequest',
            trigger: { type: 'record', events: ['updated'], watch: ['status'] },
            conditions: { field: 'status', op: 'eq', value: 'approved' },
            actions: [
              {
                type: 'createTask',
                title: 'Onboard {{record.recordId}}',
                assignTo: 'usr_onboarding',
              },
            ],
          },
        ],
        functions: approvalTimeoutFunctions((): { plugins: { approvals: ApprovalsApi } } => crm),
      }),
    ] as const,
  })
  await crm.migrate()
  const events: string[] = []
  for (const name of ['approval.requested', 'approval.approved', 'approval.escalated', 'approval.reminded']) {
    crm.events.on(name as never, () => {
      events.push(name)
    })
  }
  return {
    crm,
    events,
    approvals: crm.plugins.approvals,
    engine: crm.plugins.automation,
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
    dispose,
  }
}

const transcripts = new Map<string, unknown>()

describe.each(ADAPTERS)('timeouts through the automation clock on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof open>>
  beforeAll(async () => {
    t = await open(adapter)
  })
  afterAll(() => t.dispose())

  it('escalates an unanswered task to the manager, then reminds at the top of the hierarchy', async () => {
    const co = await t.crm.companies.create({ name: 'Slow Power', industry: 'energy' })
    const request = await t.approvals.as('usr_ray').submit({ policyId: 'escalating', recordId: co.id })
    t.advance(47 * HOUR)
    await t.engine.tick()
    expect((await t.approvals.as('usr_mia').inbox()).length).toBe(1)
    t.advance(2 * HOUR)
    await t.engine.tick()
    expect(await t.approvals.as('usr_mia').inbox()).toEqual([])
    const [escalated] = await t.approvals.as('usr_vp').inbox()
    expect(escalated).toMatchObject({ assignee: 'usr_vp', originalAssignee: 'usr_mia', status: 'pending' })
    // the new task has its own clock: two more days, and the VP has no manager, so it reminds
    t.advance(49 * HOUR)
    await t.engine.tick()
    await t.engine.tick()
    const log = (await t.approvals.logOf(request.id)).map(
      (e) => `${e.action} ${e.actorId} ${e.assignee ?? '-'}`,
    )
    expect(log).toEqual([
      'submitted usr_ray -',
      'assigned usr_ray usr_mia',
      'escalated approvals usr_vp',
      'reminded approvals usr_vp',
    ])
    transcripts.set(`${adapter.name}:escalate`, log)
  })

  it('decides on the approver’s behalf, and the approval triggers an automation rule', async () => {
    const co = await t.crm.companies.create({ name: 'Corner Shop', industry: 'retail' })
    const request = await t.approvals.as('usr_rae').submit({ policyId: 'auto', recordId: co.id })
    t.advance(3 * HOUR)
    await t.engine.tick()
    expect((await t.approvals.requestsOf('company', co.id))[0]?.status).toBe('pending')
    t.advance(2 * HOUR)
    await t.engine.tick()
    await t.engine.tick()
    expect((await t.approvals.requestsOf('company', co.id))[0]?.status).toBe('approved')
    const log = (await t.approvals.logOf(request.id)).map((e) => `${e.action} ${e.actorId}`)
    expect(log).toEqual([
      'submitted usr_rae',
      'assigned usr_rae',
      'timedOut approvals',
      'approved approvals',
      'stepApproved approvals',
      'completed approvals',
    ])
    const tasks = await t.crm.tasks.list({ where: { field: 'title', op: 'eq', value: `Onboard ${co.id}` } })
    expect(tasks.items.map((x) => x.assigneeId)).toEqual(['usr_onboarding'])
    expect(t.events).toEqual([
      'approval.requested',
      'approval.escalated',
      'approval.reminded',
      'approval.requested',
      'approval.approved',
    ])
    transcripts.set(`${adapter.name}:auto`, log)
  })
})

describe('the three adapters', () => {
  it('timed out the same way', () => {
    for (const kind of ['escalate', 'auto']) {
      const memory = transcripts.get(`memory:${kind}`)
      expect(memory).toBeDefined()
      expect(transcripts.get(`sqlite:${kind}`)).toEqual(memory)
      expect(transcripts.get(`postgres:${kind}`)).toEqual(memory)
    }
  })
})
