import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ApiError, currentUser } from '../api.ts'

interface ImportResult {
  dryRun: boolean
  rows: number
  counts: { created: number; updated: number; unchanged: number; skipped: number; failed: number }
  ignoredColumns: string[]
  failures: { line: number; issues: { path: (string | number)[]; message: string }[] }[]
}

async function importCsv(file: File, dryRun: boolean): Promise<ImportResult> {
  const res = await fetch(`/api/import/contacts${dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-demo-user': currentUser() },
    body: file,
  })
  const body = await res.json()
  if (!res.ok) throw new ApiError(res.status, body)
  return body as ImportResult
}

/** Imports contacts from a CSV through @rapport/io: a dry run first shows exactly what would happen. */
export function ImportPage() {
  const queryClient = useQueryClient()
  const [file, setFile] = useState<File | null>(null)
  const run = useMutation({
    mutationFn: (dryRun: boolean) => importCsv(file!, dryRun),
    onSuccess: (result) => {
      if (!result.dryRun) void queryClient.invalidateQueries({ queryKey: ['contacts'] })
    },
  })
  const r = run.data
  return (
    <article>
      <header>
        <h2>Import contacts</h2>
        <p className="muted">
          A CSV with the columns <code>First name</code>, <code>Last name</code>, <code>Email</code>,{' '}
          <code>Phone</code> and <code>Title</code>. Rows match existing contacts by email.
        </p>
      </header>
      <label>
        CSV file
        <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      {/* biome-ignore lint/a11y/useSemanticElements: Pico CSS draws a button bar from role="group"; a <fieldset> would add a form-group border */}
      <div role="group">
        <button
          type="button"
          className="secondary"
          disabled={!file || run.isPending}
          onClick={() => run.mutate(true)}
        >
          Preview
        </button>
        <button type="button" disabled={!file || run.isPending} onClick={() => run.mutate(false)}>
          Import
        </button>
      </div>
      {run.error && (
        <p role="alert" className="refusal">
          {run.error.message}
        </p>
      )}
      {r && (
        <>
          <p role="status">
            {r.dryRun ? 'Preview, nothing written' : 'Imported'}: {r.counts.created} created,{' '}
            {r.counts.updated} updated, {r.counts.unchanged} unchanged, {r.counts.skipped} skipped,{' '}
            {r.counts.failed} failed.
          </p>
          {r.failures.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Why it failed</th>
                </tr>
              </thead>
              <tbody>
                {r.failures.map((f) => (
                  <tr key={f.line}>
                    <td>{f.line}</td>
                    <td>{f.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </article>
  )
}
