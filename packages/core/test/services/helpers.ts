import type { CrmConfig, CrmPlugin } from '../../src/index.js'
import { createCrm } from '../../src/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'

/** A fresh CRM on the memory adapter with a controllable clock and a B2B pipeline. */
export async function setupCrm<const P extends readonly CrmPlugin[] = readonly []>(
  config: Partial<CrmConfig<P>> = {},
) {
  let now = new Date('2026-01-01T09:00:00.000Z')
  const errors: unknown[] = []
  const crm = createCrm<P>({
    storage: createMemoryStorage(),
    clock: () => now,
    onError: (error) => errors.push(error),
    ...config,
  } as CrmConfig<P>)
  await crm.migrate()
  const pipeline = await crm.pipelines.create({
    name: 'B2B',
    stages: [
      { name: 'Prospecting', probability: 10 },
      { name: 'Qualification', probability: 20 },
      { name: 'Proposal', probability: 50 },
      { name: 'Won', kind: 'won', probability: 100 },
      { name: 'Lost', kind: 'lost', probability: 0 },
    ],
  })
  const stage = (name: string) => {
    const found = pipeline.stages.find((s) => s.name === name)
    if (!found) throw new Error(`no stage ${name}`)
    return found.id
  }
  return {
    crm,
    pipeline,
    stage,
    errors,
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
  }
}
