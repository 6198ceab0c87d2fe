import { findStageByKey } from '../pipeline/pipeline-shape.js'
import { invalidTransition } from '../pipeline/transition-failure.js'
import { allowedTargets, checkPolicy } from '../pipeline/transition-policy.js'
import type { EntityBehaviour } from './entity-service.js'
import { findDefaultPipeline, loadPipeline } from './staged-behaviour.js'

/**
 * While the tenant has a default `contact` pipeline (e.g. from `contactLifecycleTemplate()`), an update that changes
 * a contact's `lifecycleStage` must follow that pipeline's policy; stage keys name the lifecycle values. Values the
 * pipeline does not list move freely.
 *
 * @internal
 */
export const contactLifecycleBehaviour: EntityBehaviour = {
  async prepare(record, session, current) {
    if (!current || current['lifecycleStage'] === record['lifecycleStage']) return
    const pipelineId = await findDefaultPipeline(session, 'contact')
    const pipeline = pipelineId ? await loadPipeline(session, pipelineId) : null
    if (!pipeline) return
    const from = findStageByKey(pipeline, current['lifecycleStage'] as string)
    const to = findStageByKey(pipeline, record['lifecycleStage'] as string)
    if (!from || !to) return
    const refusal = checkPolicy(pipeline, from.id, to.id)
    if (!refusal) return
    throw invalidTransition('contact', record['id'] as string, {
      guard: refusal,
      message: `The contact lifecycle (${pipeline.policy}) does not allow moving from "${from.name}" to "${to.name}"`,
      from: from.key ?? from.id,
      to: to.key ?? to.id,
      allowed: allowedTargets(pipeline, from.id).map((s) => s.key ?? s.id),
    })
  },
}
