/**
 * The columns a contact record is built from: what @rapport/server's list selects (core reads only the fields a
 * record shows), so the bare handler runs the same query rather than `select *` with the search columns.
 */
export const RECORD_COLUMNS = [
  'id',
  'tenant_id',
  'created_at',
  'updated_at',
  'version',
  'archived_at',
  'prefix',
  'first_name',
  'middle_name',
  'last_name',
  'suffix',
  'emails',
  'phones',
  'title',
  'company_id',
  'owner_id',
  'lifecycle_stage',
  'status',
  'source',
  'address',
  'tags',
  'custom',
].join(', ')
