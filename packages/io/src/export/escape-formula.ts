/** The first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/u

/**
 * A cell made safe to open in Excel, LibreOffice or Google Sheets: text starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is prefixed with a single quote, so it is shown as text and never run as a formula (OWASP "CSV
 * injection"). Numbers are left alone (`-5` as a number is not a formula).
 *
 * @example
 * ```ts
 * escapeFormula('=HYPERLINK("http://x")') // "'=HYPERLINK(\"http://x\")"
 * escapeFormula('Ann')                    // 'Ann'
 * ```
 */
export function escapeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}
