import { unstorableTextReason } from '../storage/storable-value.js'
import { childPath, indexPath, invalidFilter } from './filter-error.js'
import type { FilterLimits } from './filter-target.js'

interface Pending {
  readonly node: unknown
  /** How many `and`/`or`/`not`/`exists`/`count` groups enclose this node. */
  readonly depth: number
  readonly path: string
}

/**
 * Checks a filter's size before anything else looks at it, so a hostile tree fails fast with `INVALID_FILTER`
 * instead of exhausting the stack or the CPU in schema validation:
 *
 * - nesting depth of `and`/`or`/`not`/`exists`/`count` groups (`maxDepth`);
 * - total number of filter nodes (`maxNodes`), counted before children are queued, so a 1,000,000-wide `and` is
 *   rejected after one length check, and a cyclic object cannot loop forever;
 * - length of `in`/`nin` lists and any other array value (`maxListLength`);
 * - length of every string the filter carries: field names, relation names, values, variable names
 *   (`maxStringLength`), and that none holds a NUL character or a lone surrogate (Postgres cannot compare them, so
 *   every adapter refuses them alike).
 *
 * The walk is iterative (an explicit stack) and never recurses. It looks only at the keys the filter language uses
 * and ignores everything else; the shape is validated afterwards, on a tree now known to be small.
 */
export function checkFilterBounds(filter: unknown, limits: FilterLimits): void {
  const stack: Pending[] = [{ node: filter, depth: 0, path: '' }]
  let nodes = 0
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!
    nodes++
    if (nodes > limits.maxNodes) throw tooManyNodes(path, limits)
    if (!isObject(node)) continue

    const groupKey = (['and', 'or', 'not', 'exists', 'count'] as const).find((key) =>
      Object.hasOwn(node, key),
    )
    if (groupKey !== undefined) {
      if (depth + 1 > limits.maxDepth) {
        throw invalidFilter(
          path,
          `the filter nests deeper than ${limits.maxDepth} levels of and/or/not/exists/count`,
          {
            limit: 'maxDepth',
            max: limits.maxDepth,
          },
        )
      }
      const groupPath = childPath(path, groupKey)
      const child = node[groupKey]
      if (groupKey === 'and' || groupKey === 'or') {
        if (!Array.isArray(child)) continue
        // Count the children before queueing any, so a huge list costs one comparison.
        if (nodes + stack.length + child.length > limits.maxNodes) throw tooManyNodes(groupPath, limits)
        for (let i = child.length - 1; i >= 0; i--) {
          stack.push({ node: child[i], depth: depth + 1, path: indexPath(groupPath, i) })
        }
      } else if (groupKey === 'not') {
        stack.push({ node: child, depth: depth + 1, path: groupPath })
      } else {
        checkString(child, groupPath, limits)
        if (groupKey === 'count') checkValue(node['value'], childPath(path, 'value'), limits)
        if (node['where'] !== undefined) {
          stack.push({ node: node['where'], depth: depth + 1, path: childPath(path, 'where') })
        }
      }
      continue
    }

    checkString(node['field'], childPath(path, 'field'), limits)
    checkValue(node['value'], childPath(path, 'value'), limits)
  }
}

function tooManyNodes(path: string, limits: FilterLimits) {
  return invalidFilter(path, `the filter has more than ${limits.maxNodes} nodes`, {
    limit: 'maxNodes',
    max: limits.maxNodes,
  })
}

function checkValue(value: unknown, path: string, limits: FilterLimits): void {
  if (Array.isArray(value)) {
    if (value.length > limits.maxListLength) {
      throw invalidFilter(
        path,
        `the list has ${value.length} values, more than the limit of ${limits.maxListLength}`,
        {
          limit: 'maxListLength',
          max: limits.maxListLength,
        },
      )
    }
    // List members are scalars or placeholders: one level, no recursion.
    for (let i = 0; i < value.length; i++) checkScalar(value[i], indexPath(path, i), limits)
    return
  }
  checkScalar(value, path, limits)
}

function checkScalar(value: unknown, path: string, limits: FilterLimits): void {
  if (isObject(value) && Object.hasOwn(value, '$var'))
    checkString(value['$var'], childPath(path, '$var'), limits)
  else checkString(value, path, limits)
}

function checkString(value: unknown, path: string, limits: FilterLimits): void {
  if (typeof value !== 'string') return
  const unstorable = unstorableTextReason(value)
  if (unstorable !== undefined) throw invalidFilter(path, `the string ${unstorable}`)
  if (value.length > limits.maxStringLength) {
    throw invalidFilter(
      path,
      `the string has ${value.length} characters, more than the limit of ${limits.maxStringLength}`,
      { limit: 'maxStringLength', max: limits.maxStringLength },
    )
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
