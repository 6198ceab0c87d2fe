import type * as z from 'zod'
import type { Actor } from '../events/crm-events.js'
import type { CrmServices } from '../types/crm-services.js'

/** What an operation's `run` receives: services already scoped to the caller's tenant and actor. */
export interface OperationContext {
  /** The CRM's services acting for the caller: access policies and scope filters apply to everything done here. */
  readonly crm: CrmServices
  readonly tenantId: string
  readonly actor: Actor | null
}

/**
 * A named operation a plugin offers to the outside faces of the CRM (the REST server, the MCP tools, a host's own
 * RPC layer), with no transport in it: the faces derive routes and tool names from `entity`, `record` and the
 * operation's name, and their request and tool schemas from `input`.
 *
 * @example
 * ```ts
 * const sendQuote = defineOperation({
 *   description: 'Sends a quote to its contact and marks it sent',
 *   effect: 'write',
 *   entity: 'quote',
 *   record: true,
 *   input: z.object({ id: z.string(), message: z.string().max(2000).optional().describe('Cover note') }),
 *   run: ({ id, message }, { crm }) => crm.entity('quote').update(id, { status: 'sent', note: message ?? null }),
 * })
 * ```
 */
export interface CrmOperation<I = any, O = unknown> {
  /** One sentence: shown in the OpenAPI document and as the tool description for agents. */
  readonly description: string
  /** `read` operations never write; faces that are read-only by default (MCP) expose only these unless told. */
  readonly effect: 'read' | 'write'
  /** The input, as a zod object; describe each field with `.describe()` for agents and API docs. */
  readonly input: z.ZodType<I>
  /** The output, for documentation. */
  readonly output?: z.ZodType<O>
  /** The entity the operation belongs to (REST: under that entity's collection). */
  readonly entity?: string
  /** With `entity`: the operation acts on one record whose id is `input.id` (REST: `/{collection}/{id}/{name}`). */
  readonly record?: boolean
  run(input: I, context: OperationContext): O | Promise<O>
}

/**
 * What a plugin offers to the outside faces (`CrmPlugin.expose`): which of its entities get the standard collection endpoints and tools
 * (list, get, create, update, archive, delete, search), and its named operations. Entities a plugin keeps to itself
 * (queues, outboxes, ledgers) are simply not listed.
 *
 * @example
 * ```ts
 * const loyalty = definePlugin({
 *   id: 'loyalty',
 *   schema: { entities: [rewardEntity] },
 *   expose: { entities: ['reward'], operations: { redeem: redeemReward } },
 * })
 * ```
 */
export interface PluginExposure {
  /** Names of the plugin's own entities offered as collections. */
  readonly entities?: readonly string[]
  /** Operations by name (`[a-z][a-zA-Z0-9]*`). */
  readonly operations?: Readonly<Record<string, CrmOperation>>
}

/**
 * Declares an operation with its input type inferred from the zod schema.
 *
 * @example
 * ```ts
 * const touch = defineOperation({
 *   description: 'Marks a contact as contacted today',
 *   effect: 'write',
 *   entity: 'contact',
 *   record: true,
 *   input: z.object({ id: z.string() }),
 *   run: ({ id }, { crm }) => crm.contacts.update(id, { tags: ['contacted'] }),
 * })
 * ```
 */
export function defineOperation<S extends z.ZodType, O>(
  operation: Omit<CrmOperation<z.output<S>, O>, 'input'> & { readonly input: S },
): CrmOperation<z.output<S>, O> {
  return operation as CrmOperation<z.output<S>, O>
}
