/**
 * `@rapport/core/plugin`: what a plugin builds on beyond `definePlugin`: hooks and their contexts, `beforeCommit`,
 * the plugin context, scope arguments, operations exposed to outside faces, and `crm.describe()`.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@rapport/core'
 * import { defineOperation } from '@rapport/core/plugin'
 * import type { HookContext } from '@rapport/core/plugin'
 *
 * const stamp = definePlugin({
 *   id: 'stamp',
 *   hooks: { contact: { create: { after: async (record, ctx: HookContext) => console.log(ctx.tenantId, record.id) } } },
 * })
 * ```
 *
 * @module
 */

export type { CrmDescription, EntityDescription, OperationDescription } from '../crm/crm-description.js'
export type { Awaitable } from '../types/awaitable.js'
export type {
  CommitContext,
  DerivedColumnsView,
  EntityHooks,
  HookContext,
  NormalizeContext,
  PluginContext,
  QueuedEvent,
  ScopeArgs,
  UpdatedRecord,
} from './crm-plugin.js'
export {
  type CrmOperation,
  defineOperation,
  type OperationContext,
  type PluginExposure,
} from './plugin-operations.js'
