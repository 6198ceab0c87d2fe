/** How much each path runs; small by default (a shared 2-core machine), `BENCH_FULL=1` for the recorded run. */
export interface Sizes {
  /** Contacts stored before reading. */
  readonly seed: number
  readonly gets: number
  readonly pages: number
  readonly bulkRows: number
  readonly creates: number
  readonly rounds: number
}

const full = process.env['BENCH_FULL'] === '1'
const env = (name: string, small: number, large: number) =>
  Number(process.env[name] ?? (full ? large : small))

export const sizes: Sizes = {
  seed: env('BENCH_SEED', 5_000, 20_000),
  gets: env('BENCH_GETS', 5_000, 20_000),
  pages: env('BENCH_PAGES', 300, 1_000),
  bulkRows: env('BENCH_BULK_ROWS', 3_000, 10_000),
  creates: env('BENCH_CREATES', 500, 2_000),
  rounds: env('BENCH_ROUNDS', 3, 3),
}

/** The paths to run (`BENCH_PATHS=createMany,create`), all by default: `get`, `list`, `createMany`, `create`. */
const paths = process.env['BENCH_PATHS']?.split(',').map((p) => p.trim())
export const selected = (path: 'get' | 'list' | 'createMany' | 'create'): boolean =>
  paths === undefined || paths.includes(path)
