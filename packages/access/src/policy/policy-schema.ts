import type { Filter } from '@rapport/core/filter'
import * as z from 'zod'

/** A CASL/Mongo-style value: what a condition may compare a field with. */
const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])

/** The operators a role or restriction condition may use; anything else is refused when the policy is defined. */
export const CONDITION_OPERATORS = ['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte'] as const

const fieldCondition = z.union([
  scalar,
  z
    .object({
      $eq: scalar.optional(),
      $ne: scalar.optional(),
      $in: z.array(scalar).max(1000).optional(),
      $nin: z.array(scalar).max(1000).optional(),
      $lt: z.union([z.string(), z.number()]).optional(),
      $lte: z.union([z.string(), z.number()]).optional(),
      $gt: z.union([z.string(), z.number()]).optional(),
      $gte: z.union([z.string(), z.number()]).optional(),
    })
    .strict()
    .refine((o) => Object.keys(o).length > 0, 'expected at least one operator'),
])

/**
 * A condition on a record, in CASL's (MongoDB query) syntax: `{ stage: 'won' }`, `{ amountMinor: { $gte: 1000 } }`,
 * `{ $or: [ … ] }`. Only {@link CONDITION_OPERATORS} plus `$and`/`$or` are accepted.
 */
export type Condition = { readonly [field: string]: unknown }

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.record(z.string().min(1).max(200), z.unknown()).superRefine((value, ctx) => {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$and' || key === '$or') {
        const parsed = z.array(conditionSchema).min(1).max(50).safeParse(inner)
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never)
        }
      } else if (key.startsWith('$')) {
        ctx.addIssue({ code: 'custom', path: [key], message: `unsupported operator "${key}"` })
      } else {
        const parsed = fieldCondition.safeParse(inner)
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never)
        }
      }
    }
  }),
)

/** Who a role's scope level reaches. */
export const SCOPE_LEVELS = ['none', 'own', 'subordinates', 'team', 'teamTree', 'all'] as const
/** A role scope level. */
export type ScopeLevel = (typeof SCOPE_LEVELS)[number]

/** The actions a role grants per entity. */
export const POLICY_ACTIONS = ['read', 'create', 'update', 'delete'] as const

const actionRule = z.union([
  z.enum(SCOPE_LEVELS),
  z.object({ level: z.enum(SCOPE_LEVELS), where: conditionSchema.optional() }).strict(),
])

const fieldRule = z
  .object({
    read: z.boolean().optional(),
    edit: z.boolean().optional(),
    mask: z.enum(['phone', 'email', 'full']).optional(),
  })
  .strict()

const id = z.string().min(1).max(200)

const roleSchema = z
  .object({
    /** Per entity (or `*` for every entity not named), per action: a level, or a level with a condition. */
    entities: z.record(
      id,
      z
        .object({ read: actionRule, create: actionRule, update: actionRule, delete: actionRule })
        .partial()
        .strict(),
    ),
    fields: z.record(id, z.record(id, fieldRule)).optional(),
  })
  .strict()

const teamSchema = z
  .object({
    id,
    parentId: id.optional(),
    managerId: id.optional(),
    members: z.array(id).max(10_000).default([]),
  })
  .strict()

const restrictionSchema = z
  .object({
    id: id.optional(),
    entity: id,
    actions: z.array(z.enum(POLICY_ACTIONS)).min(1),
    /** Rows matching this condition are denied, whatever the roles and grants say. */
    when: conditionSchema,
    exemptRoles: z.array(id).optional(),
  })
  .strict()

/** The zod schema of one share grant. */
export const grantSchema = z
  .object({
    entity: id,
    recordId: id,
    principal: z.object({ type: z.enum(['user', 'team']), id }).strict(),
    level: z.enum(['read', 'edit']),
    reason: z.enum(['manual', 'rule', 'team']),
    note: z.string().max(500).optional(),
  })
  .strict()

/** The shape of a policy definition, checked by `defineAccessPolicy`. */
export const policySchema = z
  .object({
    roles: z.record(id, roleSchema),
    users: z.record(id, z.object({ roles: z.array(id).min(1) }).strict()).default({}),
    teams: z.array(teamSchema).default([]),
    restrictions: z.array(restrictionSchema).default([]),
    grants: z.array(grantSchema).default([]),
    /** Actors that act for the system (automation, importers) and the roles they act with. */
    systemActors: z.record(id, z.object({ roles: z.array(id).min(1) }).strict()).default({}),
    /** The field holding a record's owner, per entity (default `ownerId`). */
    ownerFields: z.record(id, id).default({}),
    /** Join and history entities whose rows are visible exactly when their parents are. */
    inherit: z
      .record(
        id,
        z.custom<Filter>((v) => v !== null && typeof v === 'object'),
      )
      .optional(),
  })
  .strict()

/** A policy definition as written by the host (see {@link defineAccessPolicy}). */
export type AccessPolicyInput = z.input<typeof policySchema>
/** A parsed policy definition. */
export type AccessPolicyDefinition = z.output<typeof policySchema>
/** A share grant: one record shared with a user or a team, with the reason it exists. */
export type ShareGrant = z.output<typeof grantSchema>
