import type { Session } from '../crm/session.js'
import type { Stage } from '../entities/pipeline.js'

/**
 * What `moveStage` / `changePipeline` / `convert` tell the staged behaviour about the write they are making, keyed
 * by session and record id (the behaviour only sees the record).
 *
 * @internal
 */
export interface MoveIntent {
  readonly reason?: string | null
  /** The caller gave an explicit stage mapping, so the pipeline may change. */
  readonly pipelineChange?: boolean
  /** `crm.leads.convert` is converting the lead. */
  readonly converting?: boolean
}

/**
 * A move accepted in `prepare`, written to the history and announced in `afterWrite`.
 *
 * @internal
 */
export interface PendingTransition {
  readonly pipelineId: string
  readonly fromPipelineId: string | null
  readonly from: Stage | null
  readonly to: Stage
  readonly fromEnteredAt: Date | null
  readonly at: Date
  readonly reason: string | null
}

const intents = new WeakMap<Session, Map<string, MoveIntent>>()
const pending = new WeakMap<Session, Map<string, PendingTransition>>()

function bucket<V>(map: WeakMap<Session, Map<string, V>>, session: Session): Map<string, V> {
  let inner = map.get(session)
  if (!inner) {
    inner = new Map()
    map.set(session, inner)
  }
  return inner
}

/** @internal */
export async function withMoveIntent<T>(
  session: Session,
  id: string,
  intent: MoveIntent,
  fn: () => Promise<T>,
): Promise<T> {
  const map = bucket(intents, session)
  map.set(id, intent)
  try {
    return await fn()
  } finally {
    map.delete(id)
  }
}

/** @internal */
export function moveIntentOf(session: Session, id: string): MoveIntent | undefined {
  return intents.get(session)?.get(id)
}

/** @internal */
export function setPendingTransition(
  session: Session,
  id: string,
  transition: PendingTransition | null,
): void {
  if (transition) bucket(pending, session).set(id, transition)
  else pending.get(session)?.delete(id)
}

/** @internal */
export function takePendingTransition(session: Session, id: string): PendingTransition | undefined {
  const map = pending.get(session)
  const value = map?.get(id)
  map?.delete(id)
  return value
}
