import cliProgress from 'cli-progress'

/** A progress display on stderr: processed / total, rate per second and ETA. A no-op when disabled. */
export interface Progress {
  /** Starts (or restarts, for a new phase) with a total. */
  start(total: number, phase: string): void
  update(value: number): void
  stop(): void
}

/** Where progress goes and whether it is shown. */
export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean }
  /** `true`: always (non-TTY output prints a line per second); `false`: never; `auto`: only on a real terminal. */
  readonly mode: boolean | 'auto'
  readonly env: NodeJS.ProcessEnv
  /** What is counted, e.g. `rows`, `keys`. */
  readonly unit: string
}

/**
 * Shown by default only when stderr is a terminal, `CI` is unset and `TERM` is not `dumb` (piped output and logs stay
 * clean); `--progress` forces it, printing a plain line every second when stderr is not a terminal. Drawn by
 * cli-progress (MIT, one dependency, stable for years): it throttles redraws, computes the ETA and handles non-TTY
 * output, which a hand-written bar would have to get right again.
 */
export function createProgress(options: ProgressOptions): Progress {
  const tty = options.stream.isTTY === true && !options.env['CI'] && options.env['TERM'] !== 'dumb'
  const enabled = options.mode === 'auto' ? tty : options.mode
  if (!enabled) return { start() {}, update() {}, stop() {} }
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream,
      format: `{phase} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {rate} ${options.unit}/s | ETA {eta_formatted}`,
      noTTYOutput: !tty,
      notTTYSchedule: 1000,
      fps: 10,
      etaBuffer: 50,
      hideCursor: tty,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = 0
  let running = false
  const rate = (value: number) => {
    const seconds = (Date.now() - started) / 1000
    return seconds > 0 ? Math.round(value / seconds) : 0
  }
  return {
    start(total, phase) {
      if (running) bar.stop()
      started = Date.now()
      running = true
      bar.start(Math.max(total, 1), 0, { phase, rate: 0 })
    },
    update(value) {
      if (running) bar.update(value, { rate: rate(value) })
    },
    stop() {
      if (running) bar.stop()
      running = false
    },
  }
}
