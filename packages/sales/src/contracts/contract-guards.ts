import { defineTransitionGuard } from '@rapport/core/pipeline'
import type { ContractStatus } from './contract-lifecycle.js'
import { CONTRACT_STATUSES } from './contract-lifecycle.js'

/**
 * Guards of every contract pipeline: a contract enters only stages keyed with a {@link CONTRACT_STATUSES | contract
 * status}, since its receivables read the status (effective, void, dunned). A tenant may shape its own contract
 * pipeline (names, edges, required fields), but not invent statuses the receivables would not understand.
 */
export const contractTransitionGuards = [
  defineTransitionGuard({
    name: 'contractStageIsStatus',
    entities: ['contract'],
    check: ({ to }) =>
      (to.key !== undefined && CONTRACT_STATUSES.includes(to.key as ContractStatus)) ||
      `A contract stage must be keyed with a contract status (${CONTRACT_STATUSES.join(', ')}); "${to.name}" is keyed ${to.key === undefined ? 'with nothing' : `"${to.key}"`}`,
  }),
]
