/**
 * `@rapport/cli`: the `rapport` command. Imports and exports through `@rapport/io`, finds duplicates and merges
 * through `@rapport/data-quality`, migrates, on a SQLite file or a Postgres URL; progress on stderr, `--json` on
 * stdout, stable exit codes ({@link exitCodes}).
 *
 * @example
 * ```sh
 * rapport migrate --db crm.db
 * rapport import contacts.csv --db crm.db --upsert-key email --region US --dry-run
 * rapport dedupe --db crm.db --json
 * rapport merge --db crm.db --set dqs_01J… --dry-run
 * rapport export contact --db crm.db --where '{"field":"lifecycleStage","op":"eq","value":"customer"}' --out customers.csv
 * ```
 *
 * @packageDocumentation
 */

export type { CliContext } from './context.js'
export { exitCodes, UsageError } from './exit-codes.js'
export { main, USAGE } from './main.js'
