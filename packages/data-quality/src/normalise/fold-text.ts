/**
 * Folds text for comparison: NFKC (full-width `ＡＢＣ１２３（）` become `ABC123()`, ligatures and compatibility
 * forms are expanded), lower-cased, with runs of white space collapsed to one space and trimmed.
 *
 * @example
 * ```ts
 * foldText('  ＡＣＭＥ　Ｉｎｃ． ') // 'acme inc.'
 * ```
 */
export function foldText(input: string): string {
  return input.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim()
}
