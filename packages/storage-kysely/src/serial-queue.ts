/**
 * A FIFO mutex for engines with one connection (better-sqlite3): each task starts only after the previous one
 * settled, so concurrent async callers can never interleave statements inside one transaction.
 *
 * @example
 * ```ts
 * const queue = new SerialQueue()
 * await Promise.all([queue.run(() => tx1()), queue.run(() => tx2())]) // tx2 starts after tx1 settles
 * ```
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()

  /** Runs `task` after every previously queued task has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task)
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}
