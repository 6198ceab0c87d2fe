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
 * Splits `items` into chunks for multi-row statements whose lengths come from a small fixed set: full chunks of `size`,
 * then the remainder in descending powers of two. Every distinct row count is a distinct SQL text, and a driver that
 * prepares statements (better-sqlite3) compiles and keeps each one: a 1,000-row INSERT of 30 columns takes ~60 ms to
 * prepare and ~3 MB to hold, so batches of changing lengths (an import's batches less their skipped rows) recompiled
 * on almost every call and filled the statement cache. With these lengths a table has at most one text per power of
 * two below `size`, plus `size`.
 *
 * @example
 * ```ts
 * statementChunks([1, 2, 3, 4, 5, 6, 7], 4).map((c) => c.length) // [4, 2, 1]
 * ```
 */
export function statementChunks<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size))
  const out: T[][] = []
  let i = 0
  for (; i + step <= items.length; i += step) out.push(items.slice(i, i + step))
  for (let part = 2 ** Math.floor(Math.log2(step)); i < items.length; part /= 2) {
    if (i + part <= items.length) {
      out.push(items.slice(i, i + part))
      i += part
    }
  }
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
