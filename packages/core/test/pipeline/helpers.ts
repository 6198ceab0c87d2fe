import type { CrmConfig, CrmPlugin, RapportError } from '../../src/index.js'
import { createCrm, isRapportError } from '../../src/index.js'
import { b2bPipelineTemplate } from '../../src/pipeline/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

/** A fresh CRM on the memory adapter with a controllable clock, the B2B template and a log of every event. */
export async function setupPipelineCrm<const P extends readonly CrmPlugin[] = readonly []>(
  config: Partial<CrmConfig<P>> = {},
) {
  let now = new Date('2026-03-02T09:00:00.000Z')
  const errors: unknown[] = []
  const crm = createCrm<P>({
    storage: createMemoryStorage(),
    clock: () => now,
    onError: (error) => errors.push(error),
    ...config,
  } as CrmConfig<P>)
  await crm.migrate()
  const events: { type: string; payload: Record<string, unknown> }[] = []
  crm.events.on(
    '*' as never,
    ((type: string, payload: Record<string, unknown>) => events.push({ type, payload })) as never,
  )
  const pipeline = await crm.pipelines.create(b2bPipelineTemplate({ isDefault: true }))
  const stage = (key: string) => {
    const found = pipeline.stages.find((s) => s.key === key)
    if (!found) throw new Error(`no stage ${key}`)
    return found.id
  }
  return {
    crm,
    pipeline,
    stage,
    errors,
    events,
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
  }
}

/** Awaits a promise that must fail with a RapportError of this code, and returns the error. */
export async function expectError(promise: Promise<unknown>, code: string): Promise<RapportError> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error, code)) return error
    throw error
  }
  throw new Error(`expected ${code}, but the call succeeded`)
}
