/** The transforms a mapping can name (saved mappings hold names, never code). */
export const transformNames = ['trim', 'lower', 'upper', 'digits', 'collapseSpaces', 'emptyIsNull'] as const

/** One of {@link transformNames}. */
export type TransformName = (typeof transformNames)[number]

/** A transform in code: the cell text (after the named transforms) and the whole row by header. */
export type TransformFn = (value: string, row: Readonly<Record<string, string>>) => string

const named: Readonly<Record<TransformName, (value: string) => string>> = {
  trim: (v) => v.trim(),
  lower: (v) => v.toLowerCase(),
  upper: (v) => v.toUpperCase(),
  digits: (v) => v.replace(/\D/gu, ''),
  collapseSpaces: (v) => v.replace(/\s+/gu, ' ').trim(),
  // An empty cell already means "no value"; this also treats placeholders as empty.
  emptyIsNull: (v) => (/^(null|n\/a|na|-|—)$/iu.test(v.trim()) ? '' : v),
}

/** Applies named transforms in order. */
export function applyTransforms(value: string, names: readonly TransformName[]): string {
  let out = value
  for (const name of names) out = named[name](out)
  return out
}
