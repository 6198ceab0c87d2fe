import type { CrmServices } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import type { PhoneRegion } from '@rapport/data-quality'
import { dataQualityPlugin } from '@rapport/data-quality'
import { ioPlugin } from '@rapport/io'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { UsageError } from './exit-codes.js'

/** Where the CLI connects: a SQLite file or a Postgres URL, with the tenant and region it acts in. */
export interface TargetOptions {
  /** A SQLite file path, or `postgres://…` / `postgresql://…`. */
  readonly db: string
  /** Postgres only: the schema holding Rapport's tables (default `rapport`). */
  readonly schema?: string
  /** The tenant to act in (default: the CRM's default tenant). */
  readonly tenant?: string
  /** The region national phone numbers are read in (`US`, `CN`…). */
  readonly region?: string
}

/** Opens the storage a `--db` value names. */
export function openStorage(options: TargetOptions): StorageAdapter {
  if (/^postgres(ql)?:\/\//i.test(options.db)) {
    return createPostgresStorage(
      { connectionString: options.db },
      options.schema ? { schema: options.schema } : {},
    )
  }
  if (options.schema) throw new UsageError('--schema applies to Postgres URLs only')
  return createSqliteStorage({ file: options.db })
}

/** A CRM on the target with the data-quality and io plugins, and the services of the chosen tenant. */
export function openTarget(options: TargetOptions) {
  const storage = openStorage(options)
  const crm = createCrm({
    storage,
    plugins: [
      dataQualityPlugin(options.region ? { defaultRegion: options.region as PhoneRegion } : {}),
      ioPlugin(),
    ] as const,
  })
  const services: CrmServices = options.tenant ? crm.scoped({ tenantId: options.tenant }) : crm
  return { crm, services, close: () => crm.close() }
}

/** The CRM {@link openTarget} returns. */
export type Target = ReturnType<typeof openTarget>
