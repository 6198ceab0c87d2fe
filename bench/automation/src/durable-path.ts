import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import type { Allocation, Frame } from '../../limits/src/harness.ts'
import { allocations, median, profile, round } from '../../limits/src/harness.ts'

type Crm = ReturnType<typeof createCrm>

/** Storage port calls by operation (one SQL statement each on the SQL adapters; `transaction` is BEGIN + COMMIT). */
export type StatementCounts = Record<string, number>

/** Port members that are not one statement: left uncounted (transactions are counted on their own). */
const NOT_STATEMENTS = new Set(['transaction', 'close', 'scrub'])

/** `storage` with every port call counted into `counts` (inside transactions too). */
function counting(storage: StorageAdapter, counts: StatementCounts): StorageAdapter {
  const wrap = <T extends object>(ops: T): T => {
    const copy: Record<string, unknown> = { ...(ops as Record<string, unknown>) }
    for (const [key, fn] of Object.entries(ops)) {
      if (typeof fn !== 'function' || NOT_STATEMENTS.has(key)) continue
      copy[key] = (...args: unknown[]) => {
        const model = (args[0] as { model?: { name?: string } } | undefined)?.model?.name ?? '?'
        const name = `${key} ${model}`
        counts[name] = (counts[name] ?? 0) + 1
        return fn.apply(ops, args)
      }
    }
    return copy as T
  }
  return {
    ...wrap(storage),
    transaction: (fn) => {
      counts['transaction'] = (counts['transaction'] ?? 0) + 1
      return storage.transaction((tx) => fn(wrap(tx)))
    },
  }
}

/** Counts per event: every count divided by `events`, largest first, with the total. */
function perEvent(counts: StatementCounts, events: number): StatementCounts {
  const out: StatementCounts = {}
  let total = 0
  for (const [name, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
    out[name] = round(n / events, 2)
    total += n
  }
  return { total: round(total / events, 2), ...out }
}

/** A CRM with a pipeline, ready to take deal creates. */
async function open(raw: StorageAdapter, automated: boolean) {
  const counts: StatementCounts = {}
  const storage = counting(raw, counts)
  const queue = createInProcessQueue({ batchSize: 200 })
  const crm: Crm = createCrm({
    storage,
    plugins: automated
      ? [
          automationPlugin({
            queue,
            rules: [
              {
                id: 'follow-up',
                name: 'Follow up big deals',
                entity: 'deal',
                trigger: { type: 'record', events: ['created'] },
                conditions: { field: 'amount.amountMinor', op: 'gte', value: 100_000 },
                actions: [{ type: 'createTask', title: 'Follow up {{record.name}}' }],
              },
            ],
          }),
        ]
      : [],
  })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({
    name: 'Bench',
    stages: [{ name: 'Open' }, { name: 'Won', kind: 'won' }],
  })
  const stageId = pipeline.stages[0]?.id as string
  let n = 0
  const createDeals = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await crm.deals.create({
        name: `deal ${n++}`,
        pipelineId: pipeline.id,
        stageId,
        amount: { amountMinor: 200_000, currency: 'EUR' },
      })
    }
  }
  return { crm, queue, createDeals, counts }
}

/** One side's timed round: events per second of wall time and of this process's CPU time. */
interface Round {
  readonly perSec: number
  readonly perCpuSec: number
}

async function timed(run: () => Promise<unknown>, events: number): Promise<Round> {
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await run()
  const wall = performance.now() - t0
  const used = process.cpuUsage(cpu)
  return { perSec: events / (wall / 1000), perCpuSec: events / ((used.user + used.system) / 1e6) }
}

/** The durable path against the same deal creates on a CRM without automation, on one storage kind. */
export interface DurablePathResult {
  readonly events: number
  readonly rounds: number
  /** Deal creates per second without automation (the baseline). */
  readonly baseline: Round
  /** Events per second end to end: the deal write with its outbox row, then the step job and its effect. */
  readonly automated: Round & { readonly writePerSec: number; readonly stepsPerSec: number }
  /** Median over rounds of automated ÷ baseline, wall time; `cpuRatio` the same on CPU time. */
  readonly ratio: number
  readonly cpuRatio: number
  readonly pairRatios: readonly number[]
  readonly target: number
  readonly met: boolean
  readonly allocations: { readonly automated: Allocation; readonly baseline: Allocation }
  readonly profile: { readonly automated: readonly Frame[]; readonly baseline: readonly Frame[] }
  /**
   * Storage port calls per event (one SQL statement each; a `transaction` adds BEGIN and COMMIT): the plain create,
   * the automated write, and the step phase (the queue's batched run of the step jobs).
   */
  readonly statements: {
    readonly baseline: StatementCounts
    readonly write: StatementCounts
    readonly steps: StatementCounts
  }
}

/**
 * Events per second through the durable path (write + outbox row in one transaction, then the step job and its
 * effect, a task) against the same deal creates on a CRM without automation, alternating which goes first per
 * round; every automated round checks that each event produced exactly one task and left no job behind.
 */
export async function durablePath(
  storage: (name: string) => StorageAdapter,
  events: number,
  rounds = 3,
): Promise<DurablePathResult> {
  const plain = await open(storage('plain'), false)
  const auto = await open(storage('automated'), true)
  let tasksBefore = 0
  const endToEnd = async (count: number) => {
    await auto.createDeals(count)
    const ran = await auto.queue.runDue()
    const tasks = await auto.crm.tasks.count()
    if (tasks - tasksBefore !== count || ran !== count)
      throw new Error(`durable path lost work: ${tasks - tasksBefore} tasks, ${ran} jobs for ${count} events`)
    tasksBefore = tasks
  }
  await plain.createDeals(Math.ceil(events / 5))
  await endToEnd(Math.ceil(events / 5))
  const base: Round[] = []
  const automated: Round[] = []
  const writes: number[] = []
  const steps: number[] = []
  for (let r = 0; r < rounds; r++) {
    const runBase = async () => base.push(await timed(() => plain.createDeals(events), events))
    const runAuto = async () => {
      const t0 = performance.now()
      automated.push(
        await timed(async () => {
          await auto.createDeals(events)
          writes.push(events / ((performance.now() - t0) / 1000))
          const t1 = performance.now()
          const ran = await auto.queue.runDue()
          steps.push(events / ((performance.now() - t1) / 1000))
          const tasks = await auto.crm.tasks.count()
          if (tasks - tasksBefore !== events || ran !== events)
            throw new Error(
              `durable path lost work: ${tasks - tasksBefore} tasks, ${ran} jobs for ${events} events`,
            )
          tasksBefore = tasks
        }, events),
      )
    }
    if (r % 2 === 0) {
      await runBase()
      await runAuto()
    } else {
      await runAuto()
      await runBase()
    }
  }
  const pairRatios = automated.map((a, i) => a.perSec / base[i]!.perSec)
  const cpuRatios = automated.map((a, i) => a.perCpuSec / base[i]!.perCpuSec)
  const summary = (rs: Round[]) => ({
    perSec: Math.round(median(rs.map((r) => r.perSec))),
    perCpuSec: Math.round(median(rs.map((r) => r.perCpuSec))),
  })
  const small = Math.max(1, Math.floor(events / 2))
  const statements = async () => {
    const clear = (c: StatementCounts) => {
      for (const k of Object.keys(c)) delete c[k]
    }
    clear(plain.counts)
    await plain.createDeals(events)
    const baseline = perEvent(plain.counts, events)
    clear(auto.counts)
    await auto.createDeals(events)
    const write = perEvent(auto.counts, events)
    clear(auto.counts)
    const ran = await auto.queue.runDue()
    if (ran !== events) throw new Error(`durable path lost work: ${ran} jobs for ${events} events`)
    tasksBefore = await auto.crm.tasks.count()
    return { baseline, write, steps: perEvent(auto.counts, events) }
  }
  const result: DurablePathResult = {
    events,
    rounds,
    baseline: summary(base),
    automated: {
      ...summary(automated),
      writePerSec: Math.round(median(writes)),
      stepsPerSec: Math.round(median(steps)),
    },
    ratio: round(median(pairRatios)),
    cpuRatio: round(median(cpuRatios)),
    pairRatios: pairRatios.map((r) => round(r)),
    target: 0.5,
    met: median(pairRatios) >= 0.5,
    allocations: {
      automated: await allocations({ run: (n) => endToEnd(n) }, small),
      baseline: await allocations({ run: (n) => plain.createDeals(n) }, small),
    },
    profile: {
      automated: await profile({ run: (n) => endToEnd(n) }, events, 15),
      baseline: await profile({ run: (n) => plain.createDeals(n) }, events, 8),
    },
    statements: await statements(),
  }
  await plain.crm.close()
  await auto.crm.close()
  return result
}
