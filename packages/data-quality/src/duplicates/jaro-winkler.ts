/**
 * Jaro–Winkler similarity with a pinned definition, because npm packages disagree with each other on 1.5–79 % of
 * name pairs (window bugs, floored transpositions, silent case folding) and a threshold means nothing without the
 * definition. Here: code points, no case folding (fold first), match window `max(0, ⌊max(|a|,|b|)/2⌋ − 1)`, half
 * the out-of-order matches as transpositions (not floored), Winkler's prefix bonus `l · 0.1 · (1 − jaro)` with
 * `l ≤ 4`, applied only when jaro ≥ 0.7. Pinned values: martha/marhta 0.9611, dwayne/duane 0.84,
 * dixon/dicksonx 0.8133, ab/ba 0.
 *
 * @example
 * ```ts
 * jaroWinkler('martha', 'marhta') // 0.9611…
 * ```
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1
  const s = Array.from(a)
  const t = Array.from(b)
  if (s.length === 0 || t.length === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1)
  const sMatched = new Uint8Array(s.length)
  const tMatched = new Uint8Array(t.length)
  let matches = 0
  for (let i = 0; i < s.length; i++) {
    const from = Math.max(0, i - window)
    const to = Math.min(t.length - 1, i + window)
    for (let j = from; j <= to; j++) {
      if (tMatched[j] || s[i] !== t[j]) continue
      sMatched[i] = 1
      tMatched[j] = 1
      matches++
      break
    }
  }
  if (matches === 0) return 0
  let outOfOrder = 0
  for (let i = 0, j = 0; i < s.length; i++) {
    if (!sMatched[i]) continue
    while (!tMatched[j]) j++
    if (s[i] !== t[j]) outOfOrder++
    j++
  }
  const m = matches
  const jaro = (m / s.length + m / t.length + (m - outOfOrder / 2) / m) / 3
  if (jaro < 0.7) return jaro
  let prefix = 0
  while (prefix < 4 && prefix < s.length && prefix < t.length && s[prefix] === t[prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}
