import { dedupeCommand } from './commands/dedupe.js'
import { exportCommand } from './commands/export.js'
import { importCommand } from './commands/import.js'
import { mergeCommand } from './commands/merge.js'
import { migrateCommand } from './commands/migrate.js'
import type { CliContext } from './context.js'
import { errorJson, exitCodeOf, exitCodes } from './exit-codes.js'

/** The help text of `rapport`. */
export const USAGE = `Usage: rapport <command> [options]

Commands:
  migrate                              create or upgrade the tables
  import <file.csv|file.xlsx>          import rows (--entity contact, --upsert-key id|externalId|email|domain,
                                       --mapping mapping.json, --dry-run, --encoding auto|utf-8|gb18030|gbk,
                                       --results results.csv, --batch-size 500)
  export <entity>                      export records (--where '<filter json>', --format csv|xlsx, --out file,
                                       --columns a,b, --encoding utf-8|gb18030, --no-bom)
  dedupe                               find every duplicate and list open duplicate sets (--entity contact,
                                       --rebuild-keys, --limit 50)
  merge                                merge records (--survivor id --loser id [--loser id], or --set <set id>;
                                       --policy '{"title":"mostRecent"}', --dry-run)

Options for every command:
  --db <file.sqlite | postgres://…>    the database (or RAPPORT_DB)
  --schema <name>                      Postgres schema (default rapport)
  --tenant <id>                        act in this tenant (import, export)
  --region <US|CN|…>                   region of national phone numbers
  --json                               one JSON document on stdout
  --progress / --quiet                 force / hide the progress bar on stderr (default: on a terminal only)

Exit codes: 0 done, 1 unexpected failure, 2 bad usage, 3 input or data refused (nothing written),
            4 import finished with failed rows, 5 database unreachable, busy or not migrated.
`

const COMMANDS: Record<string, (args: readonly string[], ctx: CliContext) => Promise<number>> = {
  migrate: migrateCommand,
  import: importCommand,
  export: exportCommand,
  dedupe: dedupeCommand,
  merge: mergeCommand,
}

/**
 * Runs `rapport` with `argv` (without the node and script paths) and returns the exit code; errors are printed
 * (as JSON with `--json`), never thrown.
 *
 * @example
 * ```ts
 * import { main } from '@rapport/cli'
 *
 * const code = await main(['dedupe', '--db', 'crm.db', '--json'], { stdout: process.stdout, stderr: process.stderr, env: process.env })
 * ```
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv
  const json = args.includes('--json')
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(USAGE)
    return name ? exitCodes.ok : exitCodes.usage
  }
  const command = COMMANDS[name]
  if (!command) {
    ctx.stderr.write(`Unknown command "${name}".\n\n${USAGE}`)
    return exitCodes.usage
  }
  if (args.includes('--help') || args.includes('-h')) {
    ctx.stdout.write(USAGE)
    return exitCodes.ok
  }
  try {
    return await command(args, ctx)
  } catch (error) {
    const code = exitCodeOf(error)
    if (json) ctx.stdout.write(`${JSON.stringify({ ...errorJson(error), exitCode: code })}\n`)
    else {
      const e = error as { code?: unknown; message?: string; details?: { issues?: unknown[] } }
      const label = typeof e.code === 'string' ? `${e.code}: ` : ''
      ctx.stderr.write(`rapport ${name}: ${label}${e.message ?? String(error)}\n`)
      if (code === exitCodes.usage) ctx.stderr.write('Run "rapport --help" for usage.\n')
      for (const issue of (e.details?.issues ?? []).slice(0, 20))
        ctx.stderr.write(`  ${JSON.stringify(issue)}\n`)
      if (code === exitCodes.failure && error instanceof Error && error.stack)
        ctx.stderr.write(`${error.stack}\n`)
    }
    return code
  }
}
