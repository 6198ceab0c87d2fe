import { defineAccessPolicy } from '@rapport/access'
import type { TestAdapter } from '@rapport/test-storages'
import { openCrm } from '@rapport/test-storages'
import type { ApprovalPolicy, ApprovalsOptions } from '../src/index.js'
import { accessDirectory, approvalsPlugin } from '../src/index.js'

/** Teams: usr_ray and usr_rae report to usr_mia, who reports to usr_vp; usr_fin1 and usr_fin2 hold `finance`. */
export const accessPolicy = defineAccessPolicy({
  roles: { rep: { entities: {} }, manager: { entities: {} }, finance: { entities: {} } },
  teams: [
    { id: 'sales', managerId: 'usr_vp', members: [] },
    { id: 'east', parentId: 'sales', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] },
  ],
  users: {
    usr_ray: { roles: ['rep'] },
    usr_rae: { roles: ['rep'] },
    usr_mia: { roles: ['manager'] },
    usr_fin1: { roles: ['finance'] },
    usr_fin2: { roles: ['finance'] },
  },
})

/** Energy companies need the submitter's manager, then finance (first answer decides). */
export const energyPolicy: ApprovalPolicy = {
  id: 'energy-account',
  entity: 'company',
  entryFilter: { field: 'industry', op: 'eq', value: 'energy' },
  steps: [
    { name: 'manager', approvers: [{ managerOf: 'submitter' }] },
    { name: 'finance', approvers: [{ role: 'finance' }], mode: 'any' },
  ],
}

/** A countersign: the owner, then the manager and the VP together; a rejection there sends it back to the owner. */
export const countersignPolicy: ApprovalPolicy = {
  id: 'countersign',
  entity: 'company',
  entryFilter: { field: 'industry', op: 'eq', value: 'mining' },
  steps: [
    { name: 'owner', approvers: [{ field: 'ownerId' }] },
    {
      name: 'board',
      approvers: [{ managerOf: 'submitter' }, { managerOf: 'submitter', levels: 2 }],
      mode: 'all',
      onReject: 'previousStep',
    },
  ],
}

/** Two named reviewers one after the other; delegation is off on the second step. */
export const sequentialPolicy: ApprovalPolicy = {
  id: 'two-reviewers',
  entity: 'company',
  steps: [
    { name: 'reviewers', approvers: [{ user: 'usr_rev1' }, { user: 'usr_rev2' }], mode: 'sequential' },
    { name: 'final', approvers: [{ user: 'usr_mia' }], allowDelegate: false },
  ],
}

export const policies = [energyPolicy, countersignPolicy, sequentialPolicy]

/** A migrated CRM with the approvals plugin on `adapter`, sharing one fake clock with it. */
export async function openApprovals(adapter: TestAdapter, options: Partial<ApprovalsOptions> = {}) {
  let now = new Date('2026-03-02T09:00:00.000Z')
  const clock = () => now
  const t = await openCrm(
    adapter,
    [approvalsPlugin({ policies, directory: accessDirectory(accessPolicy), clock, ...options })] as const,
    clock,
  )
  return {
    ...t,
    approvals: t.crm.plugins.approvals,
    tick(ms = 1000) {
      now = new Date(now.getTime() + ms)
    },
  }
}
