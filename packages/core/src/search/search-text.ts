/**
 * The one text normalisation and tokenisation of Rapport's search. Core computes every record's search document
 * with it and parses every query with it, so the memory, SQLite and Postgres adapters (and any custom adapter) only
 * compare the strings it produces and cannot disagree about languages, case or accents.
 */

/**
 * The version of the tokeniser. SQL adapters put it in the name of the migration that builds a model's search
 * index, so changing how text is tokenised rebuilds every stored search document. 2: each stored key carries its
 * source bits (`key|bits`).
 */
export const SEARCH_SEMANTICS_VERSION = 2

/** Characters kept inside a word when they join letters or digits (`ada.lovelace@example.com`, `co-op`, `c++`). */
export const SEARCH_JOINERS = '@._+-'

/** Tokens and query terms are cut to this many code points (Postgres caps a lexeme at 2 KB). */
export const MAX_SEARCH_TOKEN_LENGTH = 64

// Letters that case folding and NFD leave alone but that readers of Latin scripts expect to match their base letter.
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ς: 'σ',
}
const LETTER_FOLD_PATTERN = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g')
const COMBINING_DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g
const SEPARATORS = /[^\p{L}\p{M}\p{N}@._+-]+/gu
const EDGE_JOINERS = /^[@._+-]+|[@._+-]+$/g
const JOINER = /[@._+-]/
const JOINER_RUN = /[@._+-]+/
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u
const CJK_OR_NOT =
  /(?:[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]\p{M}*)+|(?:[^\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}])+/gu
// Printable ASCII is the common case (names, e-mails, phones in most files): NFKC, NFD and NFC leave it as it is,
// it has no accents, letter folds or special dashes, and its letters and digits are [a-z0-9] once lower-cased.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/
const ASCII_SEPARATORS = /[^a-z0-9@._+-]+/g
const PHONE_LIKE = /^[0-9][0-9 .+-]*$/
const MIN_PHONE_DIGITS = 6
const MIN_PHONE_SUFFIX = 3

function normalizeOnce(text: string): string {
  return words(
    text
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      .replace(COMBINING_DIACRITICS, '')
      .normalize('NFC')
      .replace(LETTER_FOLD_PATTERN, (letter) => LETTER_FOLDS[letter] ?? letter)
      .replace(DASHES, '-')
      .replace(SEPARATORS, ' '),
  )
}

/** The words of separated text, joiners trimmed from their ends, joined by single spaces. */
function words(folded: string): string {
  let out = ''
  for (const chunk of folded.split(' ')) {
    const word = chunk.replace(EDGE_JOINERS, '')
    if (word.length > 0) out = out.length > 0 ? `${out} ${word}` : word
  }
  return out
}

/**
 * Normalises text for search: Unicode NFKC (full-width and half-width forms, ligatures), lower case, Latin, Greek and
 * Cyrillic accents removed (`é` → `e`, `ß` → `ss`, `ø` → `o`), every character that is not a letter, mark, digit or
 * joiner (`@ . _ + -`) turned into a space, joiners trimmed from the ends of words, and single spaces. CJK text,
 * kana voicing marks and Hangul are kept as they are. Idempotent.
 *
 * @example
 * ```ts
 * normalizeSearchText('  Zoë  O’Brien, Ｔｏｋｙｏ ') // 'zoe o brien tokyo'
 * normalizeSearchText('Ada.Lovelace@Example.com') // 'ada.lovelace@example.com'
 * ```
 */
export function normalizeSearchText(text: string): string {
  // What normalizeOnce does to printable ASCII, in one pass: its output is already a fixed point.
  if (PRINTABLE_ASCII.test(text)) return words(text.toLowerCase().replace(ASCII_SEPARATORS, ' '))
  const once = normalizeOnce(text)
  // A handful of characters only reach their final form on a second pass (lower-casing can yield a character
  // NFKC maps again); two passes make the function idempotent, which the index and the query rely on.
  const twice = normalizeOnce(once)
  return twice
}

/** True for a character of a script written without spaces between words: Han, Hiragana, Katakana, Hangul. */
export function isCjkCharacter(character: string): boolean {
  return CJK.test(character)
}

function capped(token: string): string {
  // A string never has more code points than UTF-16 code units.
  if (token.length <= MAX_SEARCH_TOKEN_LENGTH) return token
  const points = Array.from(token)
  return points.length <= MAX_SEARCH_TOKEN_LENGTH ? token : points.slice(0, MAX_SEARCH_TOKEN_LENGTH).join('')
}

/** The digits of a normalised value that reads as a phone number (`+86 138-0013-8000`), or `undefined`. */
export function phoneDigits(normalized: string): string | undefined {
  if (!PHONE_LIKE.test(normalized)) return undefined
  const digits = normalized.replace(/[^0-9]/g, '')
  return digits.length >= MIN_PHONE_DIGITS ? digits : undefined
}

/** Splits a word (no spaces, no joiners) into runs of CJK characters and runs of anything else. */
function scriptRuns(word: string): string[] {
  if (word.length > 0 && PRINTABLE_ASCII.test(word)) return [word]
  return word.match(CJK_OR_NOT) ?? []
}

/** True when the first character of `run` is CJK. */
function startsCjk(run: string): boolean {
  const first = run.codePointAt(0)
  return first !== undefined && first > 0x7f && isCjkCharacter(String.fromCodePoint(first))
}

/** The document tokens of one CJK run: every bigram, and the last character alone, so each character starts one. */
function cjkTokens(run: string, into: Set<string>): void {
  const points = Array.from(run.replace(/\p{M}/gu, ''))
  for (let i = 0; i + 1 < points.length; i++) into.add(`${points[i]}${points[i + 1]}`)
  const last = points[points.length - 1]
  if (last) into.add(last)
}

function wordTokens(word: string, into: Set<string>): void {
  for (const run of scriptRuns(word)) {
    if (startsCjk(run)) cjkTokens(run, into)
    else into.add(capped(run))
  }
}

/**
 * Adds the document tokens of a normalised text to `into`:
 * - a word in a space-separated script is one token (`lovelace`);
 * - a CJK run gives its bigrams and its last character (`北京星辰` → `北京 京星 星辰 辰`), so any substring of it is
 *   found, and a single character too;
 * - a word with joiners (`ada.lovelace@example.com`) gives itself, each suffix that starts after a joiner
 *   (`lovelace@example.com`, `example.com`) and each of its parts;
 * - a phone number (see {@link phoneDigits}) also gives its digits and every suffix of them of 3 or more digits, so
 *   any run of its digits is found.
 */
export function addSearchTokens(normalized: string, into: Set<string>): void {
  const digits = phoneDigits(normalized)
  if (digits) {
    for (let i = 0; i + MIN_PHONE_SUFFIX <= digits.length; i++) into.add(capped(digits.slice(i)))
  }
  for (const chunk of normalized.split(' ')) {
    if (chunk.length === 0) continue
    if (!JOINER.test(chunk)) {
      wordTokens(chunk, into)
      continue
    }
    into.add(capped(chunk))
    const parts = chunk.split(JOINER_RUN)
    let offset = 0
    for (const [i, part] of parts.entries()) {
      if (i > 0) into.add(capped(chunk.slice(offset)))
      offset += part.length
      while (offset < chunk.length && JOINER.test(chunk[offset]!)) offset++
      if (part.length > 0) wordTokens(part, into)
    }
  }
}

/** A user's query, parsed once by core: what every adapter matches and ranks with. */
export interface ParsedSearchQuery {
  /** Every term must be a prefix of one of a record's tokens (at most 32, distinct). Empty: nothing matches. */
  readonly terms: readonly string[]
  /** Every CJK run of 3 or more characters must occur as it is in the record's search keys. */
  readonly runs: readonly string[]
  /** The whole normalised query: a key equal to it ranks first, a key starting with it second. */
  readonly phrase: string
}

/** At most this many terms of a query are matched. */
export const MAX_SEARCH_TERMS = 32

/**
 * Parses the text a user typed into the terms, runs and phrase of {@link ParsedSearchQuery}, with the same
 * normalisation as the records: words become prefix terms (`Ada Lov` → `ada`, `lov`), a CJK run becomes its bigrams
 * (`北京星辰` → `北京 京星 星辰`, plus the run itself, which must occur whole), a single CJK character stays a term,
 * a word with joiners stays whole (`ada.lovelace@example.com`), and a phone number becomes its digits.
 *
 * @example
 * ```ts
 * parseSearchQuery('Ada Lov').terms // ['ada', 'lov']
 * parseSearchQuery('星辰科技').terms // ['星辰', '辰科', '科技']
 * parseSearchQuery('+86 138 0013').terms // ['86138001']
 * ```
 */
export function parseSearchQuery(text: string): ParsedSearchQuery {
  const phraseText = normalizeSearchText(text)
  const digits = phoneDigits(phraseText)
  if (digits) return { terms: [capped(digits)], runs: [], phrase: digits }
  const terms = new Set<string>()
  const runs = new Set<string>()
  for (const chunk of phraseText.split(' ')) {
    if (chunk.length === 0) continue
    if (JOINER.test(chunk)) {
      terms.add(capped(chunk))
      continue
    }
    for (const run of scriptRuns(chunk)) {
      if (!startsCjk(run)) {
        terms.add(capped(run))
        continue
      }
      const points = Array.from(run.replace(/\p{M}/gu, ''))
      if (points.length === 1) terms.add(points[0]!)
      for (let i = 0; i + 1 < points.length; i++) terms.add(`${points[i]}${points[i + 1]}`)
      if (points.length >= 3) runs.add(run)
    }
  }
  return { terms: [...terms].slice(0, MAX_SEARCH_TERMS), runs: [...runs], phrase: phraseText }
}
