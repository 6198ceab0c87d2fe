/** Options of `moveStage`. */
export interface MoveStageOptions {
  /** Fail with `VERSION_CONFLICT` unless the record still has this version. */
  readonly expectedVersion?: number
  /** Why; stored in the stage history and, on `lost` stages, used as the lost reason when none is set. */
  readonly reason?: string
  /** Other fields to write in the same write, e.g. the `amount` a stage requires. Guards see them. */
  readonly fields?: Readonly<Record<string, unknown>>
}

/** Options of `changePipeline`. */
export interface ChangePipelineOptions {
  /** Stage of the current pipeline → stage of the target pipeline; the record's current stage must be mapped. */
  readonly stageMapping: Readonly<Record<string, string>>
  readonly expectedVersion?: number
  readonly reason?: string
}
