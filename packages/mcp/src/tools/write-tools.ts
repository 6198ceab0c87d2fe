import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CrmServices } from '@rapport/core'
import type { CrmDescription } from '@rapport/core/plugin'
import type { MoveStageOptions } from '@rapport/core/services'
import { toWireSchema } from '@rapport/server'
import * as z from 'zod'
import { run } from '../tool-result.js'

const WRITE = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
} as const

interface Staged {
  moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<unknown>
}

/** The write tools a server can switch on, by name, for an entity list. */
export function writeToolNames(writableEntities: readonly string[]): string[] {
  return [
    ...new Set([
      ...writableEntities.flatMap((e) => [`create_${e}`, `update_${e}`]),
      'move_stage',
      'log_activity',
      'create_task',
    ]),
  ]
}

/** Registers the write tools that are switched on. */
export function registerWriteTools(
  server: McpServer,
  crm: CrmServices,
  description: CrmDescription,
  writableEntities: readonly string[],
  enabled: (name: string) => boolean,
): void {
  for (const entity of description.entities.filter((e) => writableEntities.includes(e.name))) {
    // Tasks get the dedicated create_task below, whatever the entity list says.
    if (entity.name !== 'task' && enabled(`create_${entity.name}`)) {
      server.registerTool(
        `create_${entity.name}`,
        {
          title: `Create a ${entity.name}`,
          description: `Creates a ${entity.name}. Dates are ISO-8601 strings; money is {"amountMinor": cents, "currency": "EUR"}.`,
          inputSchema: toWireSchema(entity.createSchema) as z.ZodObject,
          annotations: WRITE,
        },
        (input: Record<string, unknown>) => run(() => crm.entity(entity.name).create(input)),
      )
    }
    if (enabled(`update_${entity.name}`)) {
      server.registerTool(
        `update_${entity.name}`,
        {
          title: `Update a ${entity.name}`,
          description: `Changes some fields of a ${entity.name}. Pass the version you read as expectedVersion so a concurrent change is not overwritten.`,
          inputSchema: {
            id: z.string().min(1).max(200).describe('The record id'),
            expectedVersion: z.int().min(1).optional().describe('The version you read; a stale one fails'),
            patch: toWireSchema(entity.updateSchema).describe('The fields to change'),
          },
          annotations: { ...WRITE, idempotentHint: true },
        },
        ({ id, expectedVersion, patch }) =>
          run(() =>
            crm
              .entity(entity.name)
              .update(id, patch as Record<string, unknown>, expectedVersion ? { expectedVersion } : {}),
          ),
      )
    }
  }
  const staged = description.entities
    .filter((e) => typeof (crm.entity(e.name) as unknown as Staged).moveStage === 'function')
    .map((e) => e.name)
  if (enabled('move_stage') && staged.length > 0) {
    server.registerTool(
      'move_stage',
      {
        title: 'Move to another stage',
        description:
          'Moves a deal, lead or ticket to another stage of its pipeline. A refused move explains itself: the guard ' +
          '(policy, requiredFields, reason, …), the allowed stages and the missing fields; fill those and retry.',
        inputSchema: {
          entity: z.enum(staged as [string, ...string[]]).describe('The kind of record'),
          id: z.string().min(1).max(200).describe('The record id'),
          stageId: z.string().min(1).max(100).describe("The target stage id (from the pipeline's stages)"),
          reason: z.string().min(1).max(1000).optional().describe('Why; required for lost stages'),
          fields: z.record(z.string(), z.unknown()).optional().describe('Fields to set in the same step'),
          expectedVersion: z.int().min(1).optional().describe('The version you read'),
        },
        annotations: WRITE,
      },
      ({ entity, id, stageId, reason, fields, expectedVersion }) =>
        run(async () => {
          const decoded = fields
            ? toWireSchema(description.entities.find((e) => e.name === entity)!.updateSchema).parse(fields)
            : undefined
          return (crm.entity(entity) as unknown as Staged).moveStage(id, stageId, {
            ...(reason ? { reason } : {}),
            ...(decoded ? { fields: decoded as Record<string, unknown> } : {}),
            ...(expectedVersion ? { expectedVersion } : {}),
          })
        }),
    )
  }
  const activity = description.entities.find((e) => e.name === 'activity')
  if (enabled('log_activity') && activity) {
    const shape = (toWireSchema(activity.createSchema) as z.ZodObject).shape
    server.registerTool(
      'log_activity',
      {
        title: 'Log an activity',
        description:
          'Records a call, email, meeting, note or visit against contacts, companies or deals ' +
          '(targets: [{"type":"contact","id":"con_…"}]). occurredAt defaults to now.',
        inputSchema: { ...shape, occurredAt: (shape['occurredAt'] as z.ZodType).optional() },
        annotations: WRITE,
      },
      (input: Record<string, unknown>) =>
        run(() =>
          crm.activities.create({ ...input, occurredAt: input['occurredAt'] ?? new Date() } as never),
        ),
    )
  }
  const task = description.entities.find((e) => e.name === 'task')
  if (enabled('create_task') && task) {
    server.registerTool(
      'create_task',
      {
        title: 'Create a task',
        description:
          'Creates a to-do with a due time and an assignee, linked to contacts, companies or deals.',
        inputSchema: toWireSchema(task.createSchema) as z.ZodObject,
        annotations: WRITE,
      },
      (input: Record<string, unknown>) => run(() => crm.tasks.create(input as never)),
    )
  }
}
