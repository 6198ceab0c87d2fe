import { MemoryTable } from './memory-table.js'

/** Read and write access to the tables of every tenant, either committed state or a transaction's overlay. */
export interface TableView {
  /** The table of `model` in `tenantId`, for reading only (an empty table when it has no rows yet). */
  read(tenantId: string, model: string): MemoryTable
  /** The table of `model` in `tenantId`, for writing. */
  write(tenantId: string, model: string): MemoryTable
}

const EMPTY = new MemoryTable()

/** The committed state: tenant → model → table. */
export class CommittedTables implements TableView {
  private readonly tenants = new Map<string, Map<string, MemoryTable>>()

  read(tenantId: string, model: string): MemoryTable {
    return this.tenants.get(tenantId)?.get(model) ?? EMPTY
  }

  write(tenantId: string, model: string): MemoryTable {
    let models = this.tenants.get(tenantId)
    if (!models) this.tenants.set(tenantId, (models = new Map()))
    let table = models.get(model)
    if (!table) models.set(model, (table = new MemoryTable()))
    return table
  }

  /** Replaces a table wholesale (a transaction's commit). */
  replace(tenantId: string, model: string, table: MemoryTable): void {
    let models = this.tenants.get(tenantId)
    if (!models) this.tenants.set(tenantId, (models = new Map()))
    models.set(model, table)
  }
}

/**
 * A copy-on-write overlay: the first write to a table copies it, reads see the copy. Nothing reaches the parent
 * until `commit()`, so an abandoned overlay is a rollback.
 */
export class OverlayTables implements TableView {
  private readonly copies = new Map<string, { tenantId: string; model: string; table: MemoryTable }>()

  private readonly parent: TableView & { replace(t: string, m: string, table: MemoryTable): void }

  constructor(parent: TableView & { replace(t: string, m: string, table: MemoryTable): void }) {
    this.parent = parent
  }

  read(tenantId: string, model: string): MemoryTable {
    return this.copies.get(`${tenantId}\u0000${model}`)?.table ?? this.parent.read(tenantId, model)
  }

  write(tenantId: string, model: string): MemoryTable {
    const key = `${tenantId}\u0000${model}`
    let entry = this.copies.get(key)
    if (!entry) {
      entry = { tenantId, model, table: this.parent.read(tenantId, model).clone() }
      this.copies.set(key, entry)
    }
    return entry.table
  }

  replace(tenantId: string, model: string, table: MemoryTable): void {
    this.copies.set(`${tenantId}\u0000${model}`, { tenantId, model, table })
  }

  /** Publishes every copied table to the parent. */
  commit(): void {
    for (const { tenantId, model, table } of this.copies.values()) this.parent.replace(tenantId, model, table)
    this.copies.clear()
  }
}
