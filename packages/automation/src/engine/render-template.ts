/** Replaces `{{record.path}}` placeholders with values of the record (dates as ISO-8601, missing as ""). */
export function renderTemplate(template: string, record: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*record\.([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
    let value: unknown = record
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
    }
    if (value === null || value === undefined) return ''
    if (value instanceof Date) return value.toISOString()
    return typeof value === 'object' ? JSON.stringify(value) : String(value)
  })
}
