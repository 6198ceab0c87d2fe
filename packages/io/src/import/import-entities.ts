import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'
import { importMappingSchema } from '../mapping/import-mapping.js'

/** Counts of row results by status. */
export const importCountsSchema = z
  .object({
    created: z.int().min(0),
    updated: z.int().min(0),
    unchanged: z.int().min(0),
    skipped: z.int().min(0),
    failed: z.int().min(0),
  })
  .strict()

/**
 * An import run: what it reads (entity, headers, upsert key, mapping), how far it got (`line`, the last file line
 * whose row is settled, written in the same transaction as the rows) and its counts. A crash leaves it `running`;
 * running the import again with its id (or key) resumes after `line`.
 */
export const importJobEntity = defineEntity({
  name: 'ioImport',
  idPrefix: 'imp',
  shape: {
    entity: z.string().min(1).max(100),
    key: z.string().min(1).max(500).nullable().optional(),
    status: z.enum(['running', 'completed']).default('running'),
    line: z.int().min(0).default(0),
    headers: z.array(z.string().max(500)).max(2000),
    upsertKey: z.string().max(40).nullable().optional(),
    counts: importCountsSchema,
  },
  indexes: [{ name: 'by_key', fields: ['key'] }],
})

/** A saved mapping, by name and entity, to load on the next import of the same kind of file. */
export const savedMappingEntity = defineEntity({
  name: 'ioMapping',
  idPrefix: 'map',
  shape: {
    name: z.string().min(1).max(200),
    entity: z.string().min(1).max(100),
    mapping: importMappingSchema,
  },
  indexes: [{ name: 'by_name', fields: ['entity', 'name'], unique: true }],
})
