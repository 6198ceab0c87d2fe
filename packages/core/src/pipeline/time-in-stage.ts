/** The part of a stage-history row that time-in-stage needs. */
export interface StageVisit {
  readonly fromStageId: string | null
  readonly toStageId: string
  readonly at: Date
  readonly durationMs: number | null
}

/** Time spent per stage, from a record's history. */
export interface TimeInStage {
  /** The stage the record is in now and since when ("stuck since"). */
  readonly current: { readonly stageId: string; readonly since: Date; readonly durationMs: number } | null
  /** Total milliseconds per stage id, the current visit included (up to `now`). */
  readonly byStage: Readonly<Record<string, number>>
  /** How many times each stage was entered. */
  readonly visits: Readonly<Record<string, number>>
  /** From the first row to `now`; equals the sum of `byStage`. */
  readonly totalMs: number
}

/**
 * Sums a record's time in each stage from its history rows (oldest first) up to `now`. Closed periods come from the
 * rows' stored durations; the open period runs from the last row to `now`.
 *
 * @example
 * ```ts
 * const t = summarizeTimeInStage(history, new Date())
 * console.log(t.current?.stageId, t.current?.durationMs, t.byStage)
 * ```
 */
export function summarizeTimeInStage(history: readonly StageVisit[], now: Date): TimeInStage {
  const byStage: Record<string, number> = {}
  const visits: Record<string, number> = {}
  let total = 0
  for (const row of history) {
    if (row.fromStageId !== null) {
      const spent = row.durationMs ?? 0
      byStage[row.fromStageId] = (byStage[row.fromStageId] ?? 0) + spent
      total += spent
    }
    visits[row.toStageId] = (visits[row.toStageId] ?? 0) + 1
  }
  const last = history.at(-1)
  if (!last) return { current: null, byStage, visits, totalMs: 0 }
  const open = Math.max(0, now.getTime() - last.at.getTime())
  byStage[last.toStageId] = (byStage[last.toStageId] ?? 0) + open
  total += open
  return {
    current: { stageId: last.toStageId, since: last.at, durationMs: open },
    byStage,
    visits,
    totalMs: total,
  }
}
