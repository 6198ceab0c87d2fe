import type { AutomationRule, PublicPool } from '@rapport/automation'

/** Deals sitting in the same open stage for more than 7 days get a reminder task for their owner. */
export const staleDealReminder: AutomationRule = {
  id: 'stale-deal-reminder',
  name: 'Stale deal reminder',
  entity: 'deal',
  trigger: { type: 'inactivity', anchor: 'stageEnteredAt', duration: { days: 7 } },
  conditions: { field: 'closedAt', op: 'isNull', value: true },
  actions: [
    {
      type: 'createTask',
      title: '{{record.name}} has not moved for a week',
      assignTo: 'owner',
      dueIn: { days: 1 },
      priority: 'high',
    },
  ],
}

/** New leads without an owner are assigned round-robin within their region's team. */
export const leadAssignment: AutomationRule = {
  id: 'lead-assignment',
  name: 'Assign new leads by region',
  entity: 'contact',
  trigger: { type: 'record', events: ['created'] },
  conditions: {
    and: [
      { field: 'lifecycleStage', op: 'in', value: ['lead', 'mql'] },
      { field: 'ownerId', op: 'isNull', value: true },
    ],
  },
  actions: [
    {
      type: 'assignOwner',
      strategy: {
        kind: 'territory',
        territories: [
          {
            name: 'emea',
            when: { field: 'address.country', op: 'in', value: ['FR', 'DE', 'GB', 'ES'] },
            users: ['usr_amelie', 'usr_bruno'],
          },
          {
            name: 'americas',
            when: { field: 'address.country', op: 'in', value: ['US', 'CA', 'BR'] },
            users: ['usr_carla', 'usr_dan'],
          },
        ],
        fallback: ['usr_desk'],
      },
    },
  ],
}

/** Customers without any activity for 15 days get a re-engagement task and a tag (once per silence). */
export const reEngagement: AutomationRule = {
  id: 're-engagement',
  name: 'Re-engage silent customers',
  entity: 'contact',
  trigger: { type: 'inactivity', anchor: 'lastActivityAt', duration: { days: 15 } },
  conditions: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
  actions: [
    { type: 'addTag', tag: 're-engage' },
    {
      type: 'createTask',
      title: 'Check in with {{record.firstName}} {{record.lastName}}',
      assignTo: 'owner',
    },
  ],
}

/** Small-business accounts go back to the public pool after 30 days without follow-up; owners are warned 3 days before. */
export const smbPool: PublicPool = {
  id: 'smb',
  entity: 'company',
  members: ['usr_amelie', 'usr_bruno', 'usr_carla', 'usr_dan'],
  reclaim: [{ kind: 'noFollowUp', days: 30 }],
  exempt: { field: 'tags', op: 'eq', value: 'key-account' },
  warnDaysBefore: 3,
  claim: { dailyLimit: 5, formerOwnerCooldownDays: 7, ownerCapacity: 100 },
}
