import { AsyncLocalStorage } from 'node:async_hooks'
import type { CrmServices } from '@rapport/core'
import type { EntityHooks } from '@rapport/core/plugin'
import {
  assertNoRuleErrors,
  checkValidationRules,
  parseValidationRules,
  validateRecord,
  validateRecords,
} from './validate-record.js'
import type { ValidationOperation, ValidationRule } from './validation-rule.js'

const mergeScope = new AsyncLocalStorage<true>()

/** Runs `fn` so that the survivor's update it makes is checked by `merge` rules instead of `update` rules. */
export function asMergeWrite<T>(fn: () => Promise<T>): Promise<T> {
  return mergeScope.run(true, fn)
}

/** Where the validation rules of a CRM come from: its configuration, and optionally the tenant's stored rules. */
export interface RuleSource {
  readonly configured: readonly ValidationRule[]
  /** Read the tenant's `dqValidationRule` records too. */
  readonly stored: boolean
}

/** A stored `dqValidationRule` record as a {@link ValidationRule}. */
export function storedToRule(record: Readonly<Record<string, unknown>>): ValidationRule {
  const [rule] = parseValidationRules([
    Object.fromEntries(
      Object.entries({
        id: record['ruleId'],
        entity: record['entity'],
        on: record['on'],
        when: record['when'],
        assert: record['assert'],
        errorWhen: record['errorWhen'],
        field: record['field'],
        message: record['message'],
        severity: record['severity'],
        active: record['active'],
      }).filter(([, v]) => v !== null && v !== undefined),
    ),
  ])
  return rule as ValidationRule
}

/** The active rules of `entity` for `crm`'s tenant: configured ones, then stored ones. */
export async function rulesOf(
  crm: CrmServices,
  source: RuleSource,
  entity: string,
): Promise<ValidationRule[]> {
  const rules = source.configured.filter((r) => r.entity === entity && r.active)
  if (!source.stored) return rules
  for await (const record of crm.entity('dqValidationRule').iterate({
    where: {
      and: [
        { field: 'entity', op: 'eq', value: entity },
        { field: 'active', op: 'eq', value: true },
      ],
    },
    orderBy: [{ field: 'ruleId' }],
  })) {
    rules.push(storedToRule(record))
  }
  return rules
}

/** Checks `record` for `operation` and throws `VALIDATION_FAILED` with every issue when a rule says error. */
export async function enforceRules(
  crm: CrmServices,
  source: RuleSource,
  entity: string,
  record: Readonly<Record<string, unknown>>,
  operation: ValidationOperation,
): Promise<void> {
  const rules = await rulesOf(crm, source, entity)
  if (rules.length === 0) return
  assertNoRuleErrors(entity, await validateRecord(crm, rules, entity, record, operation))
}

/**
 * Hooks applying validation rules to every create and update of `entity`, on the record as stored (for an update,
 * the merged record) inside the write's transaction: a rule error throws `VALIDATION_FAILED` and the write rolls
 * back, so nothing is written. Tombstones of merged records are not checked.
 */
export function validationHooks(entity: string, source: RuleSource): EntityHooks {
  return {
    create: {
      // Once per batch: the tenant's stored rules are read and compiled once, then every record is checked.
      afterMany: async (records, ctx) => {
        const rules = await rulesOf(ctx.crm, source, entity)
        if (rules.length === 0) return
        const issues = await validateRecords(ctx.crm, rules, entity, records, 'create')
        for (const list of issues) assertNoRuleErrors(entity, list)
      },
    },
    update: {
      after: async (record, ctx) => {
        if (typeof record['mergedIntoId'] === 'string') return
        const operation = mergeScope.getStore() ? 'merge' : 'update'
        await enforceRules(ctx.crm, source, entity, record, operation)
      },
    },
  }
}

/**
 * Hooks on stored rules (`dqValidationRule`): a rule is parsed and compiled against its entity when saved, so one
 * naming an unknown field or an entity no hook checks is refused with `VALIDATION_FAILED` and nothing is written.
 */
export function storedRuleHooks(validated: ReadonlySet<string>): EntityHooks {
  const check = async (record: Readonly<Record<string, unknown>>, crm: CrmServices) => {
    const rule = storedToRule(record)
    if (!validated.has(rule.entity)) {
      assertNoRuleErrors('dqValidationRule', [
        {
          code: 'custom',
          path: ['entity'],
          message: `Rules on "${rule.entity}" are not applied: add it to the plugin's validatedEntities`,
          params: { ruleId: rule.id, severity: 'error' },
        },
      ])
    }
    await checkValidationRules(crm, [rule])
  }
  return {
    create: { before: async (data, ctx) => void (await check(data, ctx.crm)) },
    update: { before: async (patch, ctx) => void (await check({ ...ctx.current, ...patch }, ctx.crm)) },
  }
}
