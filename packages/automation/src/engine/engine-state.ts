import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { CompiledPool } from '../pool/pool-definition.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { CompiledScoringModel } from '../scoring/lead-scoring.js'
import type { EngineRuntime } from './engine-runtime.js'

/**
 * One automation plugin instance's state: the runtime shared with the step runner, plus what only the plugin's own
 * parts use (the record-trigger index, compiled scoring models and pools, the root services).
 */
export interface EngineState {
  readonly rt: EngineRuntime
  /** Record-triggered rules by `entity:event`, rebuilt on every register/unregister. */
  readonly index: Map<string, CompiledRule[]>
  readonly scoring: Map<string, CompiledScoringModel>
  readonly pools: Map<string, CompiledPool>
  /** The CRM's root services, set when the CRM builds the plugin's API. */
  root: CrmServices | null
}

/** The compiled pool with this id; `AUTOMATION_UNKNOWN_RULE` when there is none. */
export function poolOf(state: EngineState, id: string): CompiledPool {
  const pool = state.pools.get(id)
  if (!pool) throw new RapportError('AUTOMATION_UNKNOWN_RULE', `No pool "${id}"`, { details: { poolId: id } })
  return pool
}
