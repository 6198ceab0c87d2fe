import { parse, targetOf } from '../args.js'
import type { CliContext } from '../context.js'
import { report } from '../context.js'
import { exitCodes } from '../exit-codes.js'
import { openTarget } from '../target.js'

/** `rapport migrate`: creates or upgrades Rapport's tables (core and the data-quality and io plugins). */
export async function migrateCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values } = parse(args, {})
  const target = openTarget(targetOf(values, ctx.env))
  try {
    await target.crm.migrate()
    report(ctx, values.json, { migrated: true }, ['Migrated.'])
    return exitCodes.ok
  } finally {
    await target.close()
  }
}
