import type { Crm } from '@rapport/core'
import type { Deal, Pipeline } from '@rapport/core/entities'

const DAY = 86_400_000

/** The ids the queries need afterwards. */
export interface SeededCrm {
  readonly pipeline: Pipeline
  readonly companies: Record<string, string>
}

/**
 * Seeds a small, realistic B2B CRM: companies, their people, a sales pipeline with stage probabilities, deals in
 * several stages, and the calls, meetings, notes and tasks around them.
 */
export async function seed(crm: Crm, now: Date): Promise<SeededCrm> {
  const pipeline = await crm.pipelines.create({
    name: 'B2B sales',
    isDefault: true,
    stages: [
      { name: 'Prospecting', probability: 10 },
      { name: 'Qualification', probability: 20 },
      { name: 'Proposal', probability: 50, requiredFields: ['amount', 'expectedCloseDate'] },
      { name: 'Negotiation', probability: 80, forecastCategory: 'commit' },
      { name: 'Won', kind: 'won', probability: 100, forecastCategory: 'closed' },
      { name: 'Lost', kind: 'lost', probability: 0, forecastCategory: 'omitted' },
    ],
  })
  const stageId = (name: string) => pipeline.stages.find((s) => s.name === name)?.id ?? ''

  const companyRows = await crm.companies.createMany([
    {
      name: 'Acme Robotics',
      domain: 'acme-robotics.example',
      industry: 'Manufacturing',
      size: '201-500',
      ownerId: 'alice',
    },
    { name: 'Globex', domain: 'globex.example', industry: 'Energy', size: '1001-5000', ownerId: 'bob' },
    { name: 'Initech', domain: 'initech.example', industry: 'Software', size: '51-200', ownerId: 'alice' },
    {
      name: 'Umbrella Health',
      domain: 'umbrella.example',
      industry: 'Healthcare',
      size: '5001+',
      ownerId: 'bob',
    },
    {
      name: 'Stark Logistics',
      domain: 'stark-logistics.example',
      industry: 'Logistics',
      size: '501-1000',
      ownerId: 'alice',
    },
  ])
  const companies = Object.fromEntries(companyRows.map((c) => [c.name, c.id]))
  const at = (name: string) => companies[name] ?? null

  const people: [string, string, string, string][] = [
    ['Ada', 'Lovelace', 'CTO', 'Acme Robotics'],
    ['Charles', 'Babbage', 'Head of Engineering', 'Acme Robotics'],
    ['Grace', 'Hopper', 'VP Operations', 'Acme Robotics'],
    ['Hank', 'Scorpio', 'CEO', 'Globex'],
    ['Frank', 'Grimes', 'Procurement', 'Globex'],
    ['Bill', 'Lumbergh', 'Division VP', 'Initech'],
    ['Peter', 'Gibbons', 'Engineer', 'Initech'],
    ['Alexia', 'Ashford', 'COO', 'Umbrella Health'],
    ['Albert', 'Wesker', 'Head of Research', 'Umbrella Health'],
    ['Pepper', 'Potts', 'CEO', 'Stark Logistics'],
    ['Happy', 'Hogan', 'Fleet Manager', 'Stark Logistics'],
    ['Margaret', 'Hamilton', 'Advisor', ''],
  ]
  const contacts = await crm.contacts.createMany(
    people.map(([firstName, lastName, title, company], i) => ({
      firstName,
      lastName,
      title,
      companyId: company ? at(company) : null,
      ownerId: i % 2 === 0 ? 'alice' : 'bob',
      lifecycleStage: i < 6 ? 'opportunity' : 'lead',
      emails: [
        {
          address: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@${company ? company.toLowerCase().replaceAll(' ', '-') : 'independent'}.example`,
          primary: true,
        },
      ],
      source: ['referral', 'website', 'event'][i % 3] ?? null,
    })),
  )
  const contactId = (first: string) => contacts.find((c) => c.firstName === first)?.id ?? ''

  const deals: [string, string, string, number, number, string][] = [
    ['Acme: warehouse robots', 'Acme Robotics', 'Negotiation', 240_000, 21, 'alice'],
    ['Acme: service contract', 'Acme Robotics', 'Proposal', 36_000, 45, 'alice'],
    ['Globex: grid sensors', 'Globex', 'Qualification', 120_000, 90, 'bob'],
    ['Initech: TPS automation', 'Initech', 'Prospecting', 18_000, 120, 'alice'],
    ['Initech: printer fleet', 'Initech', 'Lost', 9_500, -10, 'alice'],
    ['Umbrella: lab automation', 'Umbrella Health', 'Proposal', 410_000, 60, 'bob'],
    ['Umbrella: pilot', 'Umbrella Health', 'Won', 25_000, -30, 'bob'],
    ['Stark: route planning', 'Stark Logistics', 'Qualification', 75_000, 75, 'alice'],
    ['Stark: fleet telematics', 'Stark Logistics', 'Negotiation', 130_000, 14, 'alice'],
    ['Globex: expansion', 'Globex', 'Prospecting', 60_000, 150, 'bob'],
  ]
  const created: Deal[] = []
  for (const [name, company, stage, amount, closeInDays, ownerId] of deals) {
    const closed = stage === 'Won' || stage === 'Lost'
    created.push(
      await crm.deals.create({
        name,
        companyId: at(company),
        pipelineId: pipeline.id,
        stageId: stageId(stage),
        ownerId,
        amount: { amountMinor: amount * 100, currency: 'EUR' },
        expectedCloseDate: new Date(now.getTime() + closeInDays * DAY).toISOString().slice(0, 10),
        ...(closed ? { closedAt: new Date(now.getTime() + closeInDays * DAY) } : {}),
        ...(stage === 'Lost' ? { lostReason: 'Chose a competitor' } : {}),
      }),
    )
  }
  const dealId = (prefix: string) => created.find((d) => d.name.startsWith(prefix))?.id ?? ''
  await crm.deals.addContact(dealId('Acme: warehouse'), contactId('Ada'), {
    role: 'champion',
    isPrimary: true,
  })
  await crm.deals.addContact(dealId('Acme: warehouse'), contactId('Grace'), { role: 'economic buyer' })
  await crm.deals.addContact(dealId('Umbrella: lab'), contactId('Albert'), {
    role: 'decision maker',
    isPrimary: true,
  })

  const activity = (
    type: 'call' | 'email' | 'meeting' | 'note' | 'visit',
    daysAgo: number,
    subject: string,
    targets: { type: string; id: string }[],
    body?: string,
  ) =>
    crm.activities.create({
      type,
      subject,
      occurredAt: new Date(now.getTime() - daysAgo * DAY),
      targets,
      ...(body ? { body } : {}),
      ...(type === 'call' ? { durationSeconds: 900, direction: 'outbound' as const } : {}),
    })
  await activity(
    'meeting',
    3,
    'Robot arm demo',
    [
      { type: 'deal', id: dealId('Acme: warehouse') },
      { type: 'contact', id: contactId('Ada') },
    ],
    'Demoed the palletising arm; Ada wants a pilot in the Leipzig warehouse before signing.',
  )
  await activity(
    'call',
    8,
    'Pricing call',
    [{ type: 'contact', id: contactId('Grace') }],
    'Grace asked for volume pricing.',
  )
  await activity('email', 20, 'Intro', [{ type: 'contact', id: contactId('Hank') }])
  await activity(
    'note',
    1,
    'Budget approved',
    [{ type: 'deal', id: dealId('Umbrella: lab') }],
    'Albert confirmed the research budget for lab automation.',
  )
  await activity(
    'visit',
    12,
    'Depot visit',
    [{ type: 'company', id: at('Stark Logistics') ?? '' }],
    'Toured the depot; telematics hardware is ten years old.',
  )

  const task = (title: string, dueInDays: number, assigneeId: string, target: { type: string; id: string }) =>
    crm.tasks.create({
      title,
      dueAt: new Date(now.getTime() + dueInDays * DAY),
      assigneeId,
      targets: [target],
      priority: dueInDays < 0 ? 'high' : 'normal',
    })
  await task('Send pilot proposal to Ada', -2, 'alice', { type: 'deal', id: dealId('Acme: warehouse') })
  await task('Follow up on volume pricing', -5, 'alice', { type: 'contact', id: contactId('Grace') })
  await task('Book lab walkthrough', 3, 'bob', { type: 'deal', id: dealId('Umbrella: lab') })
  await task('Qualify Globex expansion', -1, 'bob', { type: 'deal', id: dealId('Globex: expansion') })
  const done = await task('Send NDA to Stark', -7, 'alice', {
    type: 'company',
    id: at('Stark Logistics') ?? '',
  })
  await crm.tasks.update(done.id, { status: 'done' })
  return { pipeline, companies }
}
