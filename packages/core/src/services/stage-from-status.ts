import type { PipelineRules } from '../pipeline/pipeline-shape.js'
import { findStageByKey } from '../pipeline/pipeline-shape.js'
import { invalidTransition } from '../pipeline/transition-failure.js'
import { failValidation } from './record-validation.js'

/**
 * Turns a written status into the stage it names (`staged.statusWrites: 'move'`): when the write changes the status
 * field (or sets it on create), `stageId` becomes the stage of the record's pipeline with that key, so the move then
 * runs the machine like any other. Clearing the status is no move (the machine restores the current stage's key).
 *
 * @internal
 */
export function stageFromStatus(
  entity: string,
  statusField: string,
  record: Record<string, unknown>,
  current: Readonly<Record<string, unknown>> | null,
  pipeline: PipelineRules,
): void {
  const written = record[statusField]
  if (written === null || written === undefined) return
  if (current !== null && written === current[statusField]) return
  const id = record['id'] as string
  const stage = findStageByKey(pipeline, String(written))
  if (!stage) {
    const message = `The pipeline "${pipeline.id}" has no stage with the key "${String(written)}"`
    if (current === null) {
      failValidation(entity, [{ path: [statusField], message, code: 'invalid_value' }])
    }
    throw invalidTransition(entity, id, {
      guard: 'stageInPipeline',
      message,
      from: (current['stageId'] as string | undefined) ?? null,
      to: String(written),
    })
  }
  const stageWritten =
    current === null ? Boolean(record['stageId']) : record['stageId'] !== current['stageId']
  if (stageWritten && record['stageId'] !== stage.id) {
    failValidation(entity, [
      {
        path: [statusField],
        message: `${statusField} "${String(written)}" and stageId name different stages; write one of them`,
        code: 'custom',
      },
    ])
  }
  record['stageId'] = stage.id
}
