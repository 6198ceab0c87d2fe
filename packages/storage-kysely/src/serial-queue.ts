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
  #pending = 0

  /** True when no task is queued or running, so work may start at once. */
  get idle(): boolean {
    return this.#pending === 0
  }

  /** Runs `task` after every previously queued task has settled (at once when the queue is idle). */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#pending === 0 ? task() : this.#tail.then(task, task)
    this.#pending++
    const settled = () => {
      this.#pending--
    }
    this.#tail = result.then(settled, settled)
    return result
  }
}
