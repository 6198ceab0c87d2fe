import type { StagedPipelineTemplate } from '@rapport/core/entities'

/** A stage of a {@link stagedLifecycle}: a pipeline stage whose `key` is required (it is the status). */
export type LifecycleStage<K extends string = string> = StagedPipelineTemplate['stages'][number] & {
  readonly key: K
}

/** What {@link stagedLifecycle} derives from one table of stages and moves. */
export interface StagedLifecycle<K extends string> {
  /** The stage keys, in pipeline order: the values of the status field. */
  readonly statuses: readonly K[]
  /** Where each status may move to (the explicit edges of {@link StagedLifecycle.template}). */
  readonly transitions: Readonly<Record<K, readonly K[]>>
  /** The pipeline a tenant gets on its first record (`staged.defaultPipeline`): `explicit` edges only. */
  readonly template: StagedPipelineTemplate
}

/**
 * One declaration of a document's lifecycle, from which the status list, the transition table and the default
 * pipeline template are derived, so none of them restates the others. The template's policy is `explicit`: a record
 * moves only along `next`.
 *
 * @example
 * ```ts
 * const lifecycle = stagedLifecycle({
 *   name: 'Permits',
 *   stages: [{ key: 'draft', name: 'Draft' }, { key: 'granted', name: 'Granted', kind: 'won' }],
 *   next: { draft: ['granted'], granted: [] },
 * })
 * lifecycle.statuses // ['draft', 'granted']
 * lifecycle.template.transitions // [{ from: 'draft', to: 'granted' }]
 * ```
 */
export function stagedLifecycle<const Stages extends readonly LifecycleStage[]>(spec: {
  readonly name: string
  /** Whether a closed (won or lost) record may leave its stage, along `next` (default `false`). */
  readonly allowReopen?: boolean
  readonly stages: Stages
  readonly next: { readonly [K in Stages[number]['key']]: readonly Stages[number]['key'][] }
}): StagedLifecycle<Stages[number]['key']> {
  type K = Stages[number]['key']
  const statuses = spec.stages.map((s) => s.key as K)
  const transitions = spec.next as Readonly<Record<K, readonly K[]>>
  return {
    statuses,
    transitions,
    template: {
      name: spec.name,
      policy: 'explicit',
      allowReopen: spec.allowReopen ?? false,
      stages: spec.stages.map((s) => ({ ...s })),
      transitions: statuses.flatMap((from) => transitions[from].map((to) => ({ from, to }))),
    },
  }
}
