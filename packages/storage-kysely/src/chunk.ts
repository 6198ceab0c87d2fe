/**
 * Splits `items` into consecutive chunks of at most `size` items.
 *
 * @example
 * ```ts
 * chunk([1, 2, 3, 4, 5], 2) // [[1, 2], [3, 4], [5]]
 * ```
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size))
  const out: T[][] = []
  for (let i = 0; i < items.length; i += step) out.push(items.slice(i, i + step))
  return out
}

/**
 * How many rows fit in one statement that binds `columnsPerRow` parameters per row, under `maxBindParameters` and an
 * optional row cap.
 *
 * @example
 * ```ts
 * rowsPerStatement(32766, 20) // 1638
 * ```
 */
export function rowsPerStatement(
  maxBindParameters: number,
  columnsPerRow: number,
  maxRows = Infinity,
): number {
  return Math.max(1, Math.min(maxRows, Math.floor(maxBindParameters / Math.max(1, columnsPerRow))))
}
