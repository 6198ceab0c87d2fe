import type { Crm } from '@rapport/core'

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Tim',
  'Barbara',
  'Ken',
  'Radia',
  'Wei',
  'Mei',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Johnson',
  'Torvalds',
  'Hamilton',
  'Berners-Lee',
  'Liskov',
  'Thompson',
  'Perlman',
  'Zhang',
  'Chen',
]
const COMPANIES = [
  ['Acme Corp', 'acme.example'],
  ['Globex', 'globex.example'],
  ['Initech', 'initech.example'],
  ['Umbrella', 'umbrella.example'],
  ['Hooli', 'hooli.example'],
  ['Stark Industries', 'stark.example'],
  ['Wayne Enterprises', 'wayne.example'],
  ['长城科技', 'changcheng.example'],
] as const
const STAGES = ['lead', 'mql', 'sql', 'opportunity', 'customer'] as const

/** A small deterministic generator, so every demo database looks the same. */
function random(seed: number) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

const DAY = 86_400_000

/**
 * Seeds the demo CRM: companies, contacts, a sales pipeline that refuses skipped stages and needs an amount from
 * Proposal on, deals across its stages, activities, tasks, tickets under an SLA policy, and a year of orders for the
 * RFM and CLV charts.
 */
export async function seedDemo(crm: Crm): Promise<void> {
  const rnd = random(14)
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!
  const now = Date.now()
  const companies = await crm.companies.createMany(
    COMPANIES.map(([name, domain]) => ({
      name,
      domain,
      industry: pick(['Software', 'Manufacturing', 'Retail']),
    })),
  )
  const contacts = await crm.contacts.createMany(
    Array.from({ length: 36 }, (_, i) => {
      const first = FIRST[i % FIRST.length]!
      const last = LAST[(i * 5) % LAST.length]!
      const company = companies[i % companies.length]!
      return {
        firstName: first,
        lastName: last,
        emails: [
          { address: `${first}.${last}${i}@${company.domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') },
        ],
        phones: [{ number: `+4420794600${String(10 + i).padStart(2, '0')}` }],
        title: pick(['CTO', 'Head of Sales', 'Engineer', 'Buyer', 'CEO']),
        companyId: company.id,
        ownerId: pick(['alice', 'bob']),
        lifecycleStage: pick(STAGES),
      }
    }),
  )
  const pipeline = await crm.pipelines.create({
    name: 'New business',
    entityType: 'deal',
    isDefault: true,
    policy: 'noSkip',
    stages: [
      { name: 'Prospecting', probability: 10 },
      { name: 'Qualification', probability: 25 },
      { name: 'Proposal', probability: 50, requiredFields: ['amount', 'expectedCloseDate'] },
      { name: 'Negotiation', probability: 75, requiredFields: ['amount', 'expectedCloseDate'] },
      { name: 'Won', kind: 'won', probability: 100, requiredFields: ['amount'] },
      { name: 'Lost', kind: 'lost', probability: 0 },
    ],
  })
  const stages = pipeline.stages
  for (let i = 0; i < 18; i++) {
    const company = companies[i % companies.length]!
    const target = i % 6 === 5 ? 0 : i % 5
    const amount = { amountMinor: Math.round(5_000 + rnd() * 95_000) * 100, currency: 'USD' }
    const close = new Date(now + (15 + Math.floor(rnd() * 120)) * DAY).toISOString().slice(0, 10)
    const deal = await crm.deals.create({
      name: `${company.name}: ${pick(['Platform', 'Renewal', 'Expansion', 'Pilot'])} ${i + 1}`,
      pipelineId: pipeline.id,
      stageId: stages[0]!.id,
      companyId: company.id,
      ownerId: pick(['alice', 'bob']),
      ...(i % 4 === 3 ? {} : { amount, expectedCloseDate: close }),
    })
    let current = deal
    for (let s = 1; s <= target && (s < 2 || current.amount); s++) {
      current = await crm.deals.moveStage(current.id, stages[s]!.id)
    }
  }
  for (const [i, contact] of contacts.entries()) {
    if (i % 2 === 0) {
      await crm.activities.create({
        type: pick(['call', 'email', 'meeting'] as const),
        subject: pick(['Intro call', 'Sent pricing', 'Product demo', 'Quarterly review']),
        occurredAt: new Date(now - Math.floor(rnd() * 30) * DAY),
        targets: [
          { type: 'contact', id: contact.id },
          ...(contact.companyId ? [{ type: 'company' as const, id: contact.companyId }] : []),
        ],
      })
    }
    if (i % 3 === 0) {
      await crm.tasks.create({
        title: pick(['Send proposal', 'Follow up', 'Book demo', 'Check contract']),
        dueAt: new Date(now + Math.floor(rnd() * 14 - 4) * DAY),
        assigneeId: pick(['alice', 'bob']),
        targets: [{ type: 'contact', id: contact.id }],
      })
    }
  }
  await crm.slaPolicies.create({
    name: 'Standard support',
    isDefault: true,
    targets: [
      { priority: 'urgent', firstResponseMinutes: 30, resolutionMinutes: 240 },
      { priority: 'high', firstResponseMinutes: 120, resolutionMinutes: 1440 },
      { priority: 'normal', firstResponseMinutes: 480, resolutionMinutes: 4320 },
      { priority: 'low', firstResponseMinutes: 1440, resolutionMinutes: 10080 },
    ],
  })
  for (let i = 0; i < 8; i++) {
    const contact = contacts[i * 3]!
    await crm.tickets.create({
      subject: pick(['Cannot log in', 'Invoice question', 'Export fails', 'Feature request', '无法导出报表']),
      priority: pick(['low', 'normal', 'high', 'urgent'] as const),
      requesterId: contact.id,
      ...(contact.companyId ? { companyId: contact.companyId } : {}),
    })
  }
  const orders = []
  for (const [i, contact] of contacts.entries()) {
    const count = 1 + Math.floor(rnd() * (i % 4 === 0 ? 12 : 4))
    for (let k = 0; k < count; k++) {
      orders.push({
        customerId: contact.id,
        customerType: 'contact' as const,
        occurredAt: new Date(now - Math.floor(rnd() * 365) * DAY),
        amount: { amountMinor: Math.round(20 + rnd() * 480) * 100, currency: 'USD' },
        status: 'completed' as const,
      })
    }
  }
  await crm.orders.createMany(orders)
}
