import type { Filter, FilterValue } from '@rapport/core/filter'
import { invalidPolicy } from '../policy/policy-error.js'

/** A node of the ucast AST CASL keeps for each rule's conditions. */
interface AstNode {
  readonly operator: string
  readonly field?: string
  readonly value: unknown
}

/**
 * Converts the ucast AST of a CASL rule into Rapport's filter language, so the existing compilers turn it into SQL.
 * Every operator is mapped exactly; any other operator throws, never skips: a dropped condition would widen access.
 *
 * @internal
 */
export function ucastToFilter(node: AstNode): Filter {
  switch (node.operator) {
    case 'and':
    case 'or':
      return { [node.operator]: (node.value as AstNode[]).map(ucastToFilter) } as unknown as Filter
    case 'not':
      return { not: ucastToFilter((node.value as AstNode[])[0] as AstNode) }
    case 'nor':
      return { not: { or: (node.value as AstNode[]).map(ucastToFilter) } }
    case 'eq':
    case 'ne':
      if (node.value === null) return { field: field(node), op: 'isNull', value: node.operator === 'eq' }
      return { field: field(node), op: node.operator, value: node.value as FilterValue }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return { field: field(node), op: node.operator, value: node.value as FilterValue }
    case 'in':
    case 'nin':
      return { field: field(node), op: node.operator, value: node.value as FilterValue[] }
    default:
      throw invalidPolicy(
        'invalidCondition',
        `the operator "${node.operator}" cannot be compiled to a filter`,
        {
          operator: node.operator,
        },
      )
  }
}

function field(node: AstNode): string {
  if (typeof node.field !== 'string') {
    throw invalidPolicy('invalidCondition', `the operator "${node.operator}" needs a field`)
  }
  return node.field
}
