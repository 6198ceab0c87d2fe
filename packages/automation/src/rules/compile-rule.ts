import type { ValidationIssue } from '@rapport/core/errors'
import type { FilterDuration } from '@rapport/core/filter'
import { isTimeZone } from '@rapport/core/time'
import { Cron } from 'croner'
import type * as z from 'zod'
import type { AssignmentStrategy } from '../assignment/assignment-types.js'
import { invalidRule } from '../automation-error.js'
import { compileCondition } from '../conditions/compile-condition.js'
import type { CompiledCondition } from '../conditions/condition-types.js'
import type { FieldCatalog } from '../conditions/field-catalog.js'
import { suggestPaths, withEventBody } from '../conditions/field-catalog.js'
import { checkTemplates } from '../engine/render-template.js'
import {
  actionSchemas,
  envelopeSchema,
  optionsSchema,
  strategySchemas,
  triggerSchemas,
  zodIssues,
} from './rule-schemas.js'
import type { Action, AutomationRule, RuleOptions, Trigger } from './rule-types.js'

type Path = readonly (string | number)[]

/** Core emits these for every entity; rules react to them through record triggers. */
const LIFECYCLE_VERBS = new Set(['created', 'updated', 'archived', 'restored', 'deleted'])

/** One instruction of a rule's compiled action program. */
export type Instruction =
  | { readonly kind: 'action'; readonly action: Action; readonly path: string }
  | { readonly kind: 'delay'; readonly duration: FilterDuration; readonly path: string }
  | {
      readonly kind: 'branch'
      readonly condition: CompiledCondition
      /** Where to continue when the condition is false. */
      readonly elseTarget: number
      readonly path: string
    }
  | { readonly kind: 'jump'; readonly target: number; readonly path: string }

/** A validated rule, compiled once: its conditions as closures and its actions as a linear program. */
export interface CompiledRule {
  readonly rule: AutomationRule
  readonly version: number
  readonly conditions: CompiledCondition | null
  readonly goal: CompiledCondition | null
  readonly unenroll: CompiledCondition | null
  readonly program: readonly Instruction[]
  readonly options: Required<
    Pick<RuleOptions, 'enabled' | 'entry' | 'reEnroll' | 'triggerOnAutomationWrites'>
  > &
    Pick<RuleOptions, 'maxRunsPerRecord'>
}

/** Everything a rule is validated against. */
export interface RuleCompileContext {
  /** The field catalog of each entity, by entity name. */
  catalogOf(entity: string): FieldCatalog | undefined
  /** Names of the registered host functions. */
  readonly functions: ReadonlySet<string>
  /** Names of the configured webhook secrets. */
  readonly secrets: ReadonlySet<string>
  /** Entities whose writes the engine watches; a record-triggered rule on any other entity is refused. */
  readonly watched?: ReadonlySet<string>
}

function parseTagged<T>(
  raw: unknown,
  tag: 'type' | 'kind',
  schemas: Record<string, z.ZodType>,
  path: Path,
  issues: ValidationIssue[],
): T | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({ path, message: 'Expected an object', code: 'invalid_type' })
    return undefined
  }
  const value = (raw as Record<string, unknown>)[tag]
  const schema = typeof value === 'string' && Object.hasOwn(schemas, value) ? schemas[value] : undefined
  if (!schema) {
    issues.push({
      path: [...path, tag],
      message: `Unknown ${tag} ${JSON.stringify(value)}; expected one of ${Object.keys(schemas).join(', ')}`,
      code: 'invalid_value',
    })
    return undefined
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, path))
    return undefined
  }
  return parsed.data as T
}

/**
 * Validates a rule and compiles it: every problem in the trigger, conditions, actions and options is reported at
 * once with its exact path (`actions[1].do[0].title`), as `AUTOMATION_INVALID_RULE`.
 *
 * @throws `RapportError('AUTOMATION_INVALID_RULE')` with `details.issues`.
 */
export function compileRule(raw: unknown, ctx: RuleCompileContext): CompiledRule {
  const issues: ValidationIssue[] = []
  const envelope = envelopeSchema.safeParse(raw)
  const ruleId =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : undefined
  if (!envelope.success) throw invalidRule(ruleId, zodIssues(envelope.error, []))
  const rule = envelope.data
  const catalog = ctx.catalogOf(rule.entity)
  if (!catalog) {
    throw invalidRule(rule.id, [
      { path: ['entity'], message: `Unknown entity "${rule.entity}"`, code: 'invalid_value' },
    ])
  }
  const condition = (value: unknown, path: Path, on: FieldCatalog = catalog): CompiledCondition | null => {
    const result = compileCondition(value, on, path)
    if (!result.ok) {
      issues.push(...result.issues)
      return null
    }
    return result.condition
  }
  const checkField = (field: string, path: Path, types?: readonly string[]) => {
    const resolved = catalog.resolve(field)
    if (!resolved) {
      const suggestions = suggestPaths(catalog, field)
      issues.push({
        path,
        message: `Unknown field "${field}" on ${rule.entity}${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''}`,
        code: 'unknown_field',
      })
    } else if (types && !types.includes(resolved.type)) {
      issues.push({
        path,
        message: `"${field}" is a ${resolved.type} field; expected ${types.join(' or ')}`,
        code: 'invalid_type',
      })
    }
  }

  const trigger = parseTagged<Trigger>(rule.trigger, 'type', triggerSchemas, ['trigger'], issues)
  if (trigger?.type === 'record' && ctx.watched && !ctx.watched.has(rule.entity)) {
    issues.push({
      path: ['entity'],
      message: `A record-triggered rule on "${rule.entity}" would never fire: its writes are not watched; add it to automationPlugin({ entities: [...] }) (watched: ${[...ctx.watched].join(', ')})`,
      code: 'invalid_value',
    })
  }
  if (trigger?.type === 'record') {
    trigger.watch?.forEach((f, i) => {
      checkField(f, ['trigger', 'watch', i])
    })
  } else if (trigger?.type === 'schedule') {
    if (trigger.timezone !== undefined && !isTimeZone(trigger.timezone)) {
      issues.push({
        path: ['trigger', 'timezone'],
        message: `Unknown time zone "${trigger.timezone}"`,
        code: 'invalid_value',
      })
    }
    try {
      new Cron(trigger.cron, {
        paused: true,
        ...(trigger.timezone ? { timezone: trigger.timezone } : {}),
      }).stop()
    } catch (error) {
      issues.push({
        path: ['trigger', 'cron'],
        message: `Invalid cron expression: ${(error as Error).message}`,
        code: 'invalid_value',
      })
    }
  } else if (trigger?.type === 'relative') {
    // A custom field (`custom.contractEnd`) is typed per tenant: core checks it is a date or datetime when sweeping.
    if (/^custom\.[^.]+$/.test(trigger.field)) checkField(trigger.field, ['trigger', 'field'])
    else checkField(trigger.field, ['trigger', 'field'], ['date', 'datetime'])
  } else if (
    trigger?.type === 'webhook' &&
    trigger.secret !== undefined &&
    !ctx.secrets.has(trigger.secret)
  ) {
    issues.push({
      path: ['trigger', 'secret'],
      message: `No webhook secret named "${trigger.secret}" is configured`,
      code: 'invalid_value',
    })
  } else if (trigger?.type === 'event') {
    const [noun, verb] = trigger.event.split('.') as [string, string]
    if (ctx.catalogOf(noun) && LIFECYCLE_VERBS.has(verb)) {
      issues.push({
        path: ['trigger', 'event'],
        message: `"${trigger.event}" is a record lifecycle event that core emits: use a record trigger on "${noun}"`,
        code: 'invalid_value',
      })
    }
  } else if (
    trigger?.type === 'inactivity' &&
    trigger.anchor === 'stageEnteredAt' &&
    !catalog.resolve('stageId')
  ) {
    issues.push({
      path: ['trigger', 'anchor'],
      message: `"stageEnteredAt" needs an entity with a stageId (deals)`,
      code: 'invalid_value',
    })
  }

  // An event rule's conditions also read the payload (`body.*`); its goal and unenroll checks run before each later
  // step, when only the record is at hand.
  const conditions =
    rule.conditions === undefined
      ? null
      : condition(
          rule.conditions,
          ['conditions'],
          trigger?.type === 'event' ? withEventBody(catalog) : catalog,
        )
  if (trigger?.type === 'event' && conditions?.usesChanges) {
    issues.push({
      path: ['conditions'],
      message:
        'Change predicates (changed, changedTo, …) need a record trigger: an event has no before and after',
      code: 'invalid_value',
    })
  }
  let parsedOptions: RuleOptions = {}
  if (rule.options !== undefined) {
    const options = optionsSchema.safeParse(rule.options)
    if (!options.success) issues.push(...zodIssues(options.error, ['options']))
    else parsedOptions = options.data as RuleOptions
  }
  const goal = parsedOptions.goal === undefined ? null : condition(parsedOptions.goal, ['options', 'goal'])
  const unenroll =
    parsedOptions.unenrollWhen === undefined
      ? null
      : condition(parsedOptions.unenrollWhen, ['options', 'unenrollWhen'])

  const program: Instruction[] = []
  const emit = (actions: readonly unknown[], path: Path, depth: number) => {
    actions.forEach((rawAction, i) => {
      const here = [...path, i]
      const p = here.map((s, j) => (typeof s === 'number' ? `[${s}]` : j === 0 ? s : `.${s}`)).join('')
      const action = parseTagged<Action>(rawAction, 'type', actionSchemas, here, issues)
      if (!action) return
      switch (action.type) {
        case 'delay':
          program.push({ kind: 'delay', duration: action.duration, path: p })
          return
        case 'branch': {
          if (depth >= 8) {
            issues.push({ path: here, message: 'Branches nest at most 8 levels deep', code: 'too_big' })
            return
          }
          const cond = condition(action.if, [...here, 'if'])
          const at = program.length
          program.push({ kind: 'jump', target: -1, path: p }) // placeholder for the branch
          emit(action.do, [...here, 'do'], depth + 1)
          let end = program.length
          if (action.else && action.else.length > 0) {
            const jumpAt = program.length
            program.push({ kind: 'jump', target: -1, path: p })
            end = program.length
            emit(action.else, [...here, 'else'], depth + 1)
            program[jumpAt] = { kind: 'jump', target: program.length, path: p }
          }
          if (cond) program[at] = { kind: 'branch', condition: cond, elseTarget: end, path: p }
          return
        }
        case 'createTask':
          checkTemplates(action.title, catalog, [...here, 'title'], issues)
          checkTemplates(action.description, catalog, [...here, 'description'], issues)
          break
        case 'createActivity':
          checkTemplates(action.subject, catalog, [...here, 'subject'], issues)
          checkTemplates(action.body, catalog, [...here, 'body'], issues)
          break
        case 'emitEvent':
          checkTemplates(action.data, catalog, [...here, 'data'], issues)
          break
        case 'updateFields':
          for (const [field, value] of Object.entries(action.set)) {
            checkField(field, [...here, 'set', field])
            checkTemplates(value, catalog, [...here, 'set', field], issues)
            // Dotted paths: `custom.<key>` is merged key by key (as `watch` reads it); other nested paths would
            // replace the whole object, so they are refused here rather than failing on every run.
            if (field.includes('.') && !/^custom\.[^.]+$/.test(field)) {
              issues.push({
                path: [...here, 'set', field],
                message: `Only custom fields may be set by a dotted path ("custom.<key>"); set "${field.split('.')[0]}" as a whole`,
                code: 'invalid_value',
              })
            }
            if (['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt'].includes(field))
              issues.push({
                path: [...here, 'set', field],
                message: `"${field}" is maintained by core`,
                code: 'invalid_value',
              })
          }
          break
        case 'addTag':
        case 'removeTag':
          checkField('tags', [...here, 'type'])
          break
        case 'moveStage':
          if (!catalog.resolve('stageId'))
            issues.push({
              path: [...here, 'type'],
              message: `moveStage needs an entity with a stageId (deals)`,
              code: 'invalid_value',
            })
          break
        case 'assignOwner': {
          const strategy = parseTagged<AssignmentStrategy>(
            action.strategy,
            'kind',
            strategySchemas,
            [...here, 'strategy'],
            issues,
          )
          checkField(action.field ?? 'ownerId', [...here, 'field'])
          if (strategy?.kind === 'territory') {
            strategy.territories.forEach((t, ti) => {
              condition(t.when, [...here, 'strategy', 'territories', ti, 'when'])
            })
          }
          break
        }
        case 'webhook':
          if (!ctx.secrets.has(action.secret))
            issues.push({
              path: [...here, 'secret'],
              message: `No webhook secret named "${action.secret}" is configured`,
              code: 'invalid_value',
            })
          break
        case 'callFunction':
          if (!ctx.functions.has(action.name))
            issues.push({
              path: [...here, 'name'],
              message: `No host function named "${action.name}" is registered`,
              code: 'invalid_value',
            })
          break
        default:
          break
      }
      program.push({ kind: 'action', action, path: p })
    })
  }
  emit(rule.actions, ['actions'], 0)

  if (issues.length > 0) throw invalidRule(rule.id, issues)
  const validated = {
    ...rule,
    trigger,
    ...(rule.options ? { options: parsedOptions } : {}),
  } as AutomationRule
  return Object.freeze({
    rule: validated,
    version: rule.version ?? 1,
    conditions,
    goal,
    unenroll,
    program: Object.freeze(program),
    options: {
      enabled: parsedOptions.enabled ?? true,
      entry: parsedOptions.entry ?? 'level',
      reEnroll: parsedOptions.reEnroll ?? false,
      triggerOnAutomationWrites: parsedOptions.triggerOnAutomationWrites ?? true,
      ...(parsedOptions.maxRunsPerRecord ? { maxRunsPerRecord: parsedOptions.maxRunsPerRecord } : {}),
    },
  })
}
