import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { leadAssignment, reEngagement, smbPool, staleDealReminder } from './rules.js'

const DAY = 86_400_000

/** What the demo observed, day by day. */
export interface DemoSummary {
  readonly leadOwners: readonly {
    readonly name: string
    readonly country: string
    readonly owner: string | null
  }[]
  readonly staleReminders: readonly string[]
  readonly reEngaged: readonly string[]
  readonly poolEvents: readonly string[]
  readonly claimedBy: string | null
  readonly runs: Readonly<Record<string, number>>
}

/**
 * Runs six simulated weeks of a small sales team on `storage`, with a controllable clock: leads are assigned as
 * they arrive, and each simulated day the engine sweeps its time rules and runs due jobs.
 */
export async function runAutomationDemo(storage: StorageAdapter): Promise<DemoSummary> {
  let now = new Date('2026-03-02T08:00:00Z')
  const clock = () => now
  const queue = createInProcessQueue()
  const crm = createCrm({
    storage,
    clock,
    plugins: [
      automationPlugin({
        queue,
        clock,
        rules: [staleDealReminder, leadAssignment, reEngagement],
        pools: [smbPool],
      }),
    ] as const,
  })
  await crm.migrate()
  const automation = crm.plugins.automation
  const poolEvents: string[] = []
  automation.events.on('pool.reclaim_warning', (e) => {
    poolEvents.push(
      `${now.toISOString().slice(0, 10)} warning: reclaim on ${(e as { reclaimAt: string }).reclaimAt.slice(0, 10)}`,
    )
  })
  automation.events.on('pool.reclaimed', (e) => {
    poolEvents.push(`${now.toISOString().slice(0, 10)} reclaimed (${(e as { reason: string }).reason})`)
  })
  const day = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      now = new Date(now.getTime() + DAY)
      await automation.tick()
    }
  }

  // Leads arrive and are assigned by region, round-robin inside each team.
  const leads = [
    ['Élodie', 'FR'],
    ['Hans', 'DE'],
    ['Mia', 'US'],
    ['Oliver', 'GB'],
    ['Yuki', 'JP'],
    ['Noah', 'CA'],
  ] as const
  for (const [firstName, country] of leads) await crm.contacts.create({ firstName, address: { country } })
  await automation.runDue()
  const leadOwners = (await crm.contacts.list({ orderBy: [{ field: 'createdAt' }] })).items.map((c) => ({
    name: c.firstName ?? '',
    country: c.address?.country ?? '',
    owner: c.ownerId,
  }))

  // A pipeline with two deals; one moves on, the other gets stuck.
  const pipeline = await crm.pipelines.create({
    name: 'New business',
    stages: [{ name: 'Discovery' }, { name: 'Proposal' }, { name: 'Won', kind: 'won', probability: 100 }],
  })
  const [discovery, proposal] = pipeline.stages.map((s) => s.id as string)
  const moving = await crm.deals.create({
    name: 'Globex pilot',
    pipelineId: pipeline.id,
    stageId: discovery!,
    ownerId: 'usr_amelie',
  })
  await crm.deals.create({
    name: 'Initech renewal',
    pipelineId: pipeline.id,
    stageId: discovery!,
    ownerId: 'usr_bruno',
  })

  // Customers: one stays in touch, one goes silent.
  const ada = await crm.contacts.create({
    firstName: 'Ada',
    lastName: 'King',
    lifecycleStage: 'customer',
    ownerId: 'usr_carla',
  })
  await crm.contacts.create({
    firstName: 'Alan',
    lastName: 'Turing',
    lifecycleStage: 'customer',
    ownerId: 'usr_dan',
  })

  // An SMB account owned by Bruno that nobody follows up.
  const tinyco = await crm.companies.create({ name: 'Tinyco', ownerId: 'usr_bruno' })
  await crm.companies.create({ name: 'Key Corp', ownerId: 'usr_bruno', tags: ['key-account'] })

  await day(5)
  await crm.deals.moveStage(moving.id, proposal!)
  for (let week = 0; week < 6; week++) {
    await crm.activities.create({ type: 'call', occurredAt: now, targets: [{ type: 'contact', id: ada.id }] })
    await crm.activities.create({
      type: 'email',
      occurredAt: now,
      targets: [{ type: 'deal', id: moving.id }],
    })
    await day(7)
  }
  // Carla claims the reclaimed account from the pool.
  await automation.pools.claim('smb', tinyco.id, 'usr_carla')

  const staleReminders = (
    await crm.tasks.list({ where: { field: 'priority', op: 'eq', value: 'high' } })
  ).items.map((t) => `${t.title} (for ${t.assigneeId})`)
  const reEngaged = (
    await crm.contacts.list({ where: { field: 'tags', op: 'eq', value: 're-engage' } })
  ).items.map((c) => `${c.firstName} ${c.lastName}`)
  const runs: Record<string, number> = {}
  for await (const run of automation.iterateLog()) runs[run.ruleId] = (runs[run.ruleId] ?? 0) + 1
  const owner = (await crm.companies.get(tinyco.id)).ownerId
  await crm.close()
  return { leadOwners, staleReminders, reEngaged, poolEvents, claimedBy: owner, runs }
}

/** A human-readable report of the demo. */
export function formatDemo(summary: DemoSummary): string {
  return [
    'Lead assignment (territory, round-robin within each team):',
    ...summary.leadOwners.map((l) => `  ${l.name.padEnd(8)} ${l.country}  → ${l.owner}`),
    'Stale-deal reminders:',
    ...summary.staleReminders.map((t) => `  ${t}`),
    'Re-engaged after 15 silent days:',
    ...summary.reEngaged.map((n) => `  ${n}`),
    'Public pool "smb":',
    ...summary.poolEvents.map((e) => `  ${e}`),
    `  claimed back by ${summary.claimedBy}`,
    'Runs per rule:',
    ...Object.entries(summary.runs).map(([rule, n]) => `  ${rule}: ${n}`),
  ].join('\n')
}
