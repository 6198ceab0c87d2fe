import type Database from 'better-sqlite3'

/** The contact columns a record never shows: derived for filters and search, written but not read back. */
const UNSHOWN = new Set(['primary_email', 'email_addresses', 'phone_numbers', 'search_terms', 'search_keys'])

/**
 * The columns a contact record is built from, read from the migrated table: what @rapport/server's list selects
 * (core reads only the fields a record shows), so the bare handler runs the same query rather than `select *`.
 */
export function recordColumns(db: Database.Database): string {
  const columns = db.prepare('select name from pragma_table_info(?)').all('contact') as { name: string }[]
  return columns
    .map((c) => c.name)
    .filter((name) => !UNSHOWN.has(name))
    .join(', ')
}
