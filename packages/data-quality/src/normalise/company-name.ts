import { foldText } from './fold-text.js'
import { CHINESE_REGION_PREFIXES, CJK_LEGAL_FORMS, LATIN_LEGAL_FORMS } from './legal-forms.js'

const LATIN_FORMS = LATIN_LEGAL_FORMS.map((form) => form.split(' '))
const REGION_SUFFIXES = ['特别行政区', '自治区', '省', '市', '']

/**
 * The match key of a company name: folded (full-width characters to ASCII, lower case), punctuation removed, a
 * leading "the" and trailing legal forms stripped (GmbH, Inc., Ltd, S.A., 有限公司, 股份有限公司, 株式会社 and more,
 * repeatedly: "Acme Holdings Pty. Ltd." keeps "acme holdings"), and a leading Chinese region (深圳市, 广东省) removed.
 * A name that is nothing but a legal form keeps its last word. `null` for empty input.
 *
 * @example
 * ```ts
 * companyNameKey('ACME, Inc.')                     // 'acme'
 * companyNameKey('ＡＣＭＥ　ＧｍｂＨ')              // 'acme'
 * companyNameKey('深圳市腾讯计算机系统有限公司')     // '腾讯计算机系统'
 * companyNameKey('阿里巴巴集团控股有限公司')         // '阿里巴巴集团控股'
 * ```
 */
export function companyNameKey(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null
  let text = foldText(input)
    .replace(/[.,'’"`]/gu, '')
    .replace(/[^\p{L}\p{N}()]+/gu, ' ')
    .trim()
  if (text.length === 0) return null
  text = stripCjk(text)
  let tokens = text.split(' ')
  if (tokens.length > 1 && tokens[0] === 'the') tokens = tokens.slice(1)
  for (let stripped = true; stripped; ) {
    stripped = false
    for (const form of LATIN_FORMS) {
      if (tokens.length <= form.length) continue
      const tail = tokens.slice(tokens.length - form.length)
      if (tail.every((t, i) => t === form[i])) {
        tokens = tokens.slice(0, tokens.length - form.length)
        stripped = true
        break
      }
    }
  }
  return tokens.join(' ')
}

function stripCjk(text: string): string {
  let out = text
  for (let stripped = true; stripped; ) {
    stripped = false
    for (const form of CJK_LEGAL_FORMS) {
      if (out.length > form.length && out.endsWith(form)) {
        out = out.slice(0, -form.length).trim()
        stripped = true
        break
      }
    }
  }
  for (const region of CHINESE_REGION_PREFIXES) {
    for (const suffix of REGION_SUFFIXES) {
      const prefix = region + suffix
      if (out.startsWith(prefix) && out.length - prefix.length > 2) return out.slice(prefix.length).trim()
    }
  }
  return out
}
