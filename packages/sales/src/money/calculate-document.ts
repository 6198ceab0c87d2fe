import { SalesErrorCodes, salesError } from '../errors.js'
import { allocateBig } from './allocate.js'
import type { Ratio } from './decimal.js'
import { formatDecimal, pow10 } from './decimal.js'
import type { ParsedDiscount, ParsedDocument, ParsedLine } from './document-input.js'
import { parseDocument } from './document-input.js'
import type { CalculatedDocument, CalculatedLine, CompanyTotals, DocumentInput } from './document-types.js'
import type { RoundingMode } from './rounding.js'
import { divRound } from './rounding.js'

/**
 * Calculates every amount of a sales document from its lines, exactly, in integer minor units. Totals sent by a
 * client are never an input: a host stores what this returns.
 *
 * The steps (the calculation contract of the sales reference, §A1.6), each rounded once with the document's mode:
 * 1. `gross = unitPriceMinor × quantity`;
 * 2. the line's discounts apply in order (percent, per unit, per line), never below zero; `net = round(gross − discount)`;
 * 3. the header discount (percent of Σ item nets, or an amount capped at it) is shared over the `item` lines pro rata to
 *    their net by largest remainder, before tax; shipping and fee lines take no share;
 * 4. tax per line at its rate: exclusive `tax = subtotal × rate`, inclusive `base = total / (1 + rate)` and
 *    `tax = total − base`; rounded per line, or per rate once over the document (`taxRounding: 'global'`), the rounded
 *    total then shared over the lines by largest remainder;
 * 5. `total = subtotal + tax`, per line and for the document;
 * 6. with an `fx` rate frozen on the document, the company-currency subtotal and tax are each converted once and
 *    rounded; the lines share them by largest remainder, so lines sum exactly to the header in both currencies.
 *
 * Every header total is the exact sum of the lines' field, whatever the line order.
 *
 * @throws RapportError `SALES_INVALID_DOCUMENT`, `SALES_INVALID_CURRENCY`, `SALES_CURRENCY_MISMATCH`,
 * `SALES_NEGATIVE_QUANTITY`, `SALES_INVALID_DECIMAL`, `SALES_INVALID_AMOUNT`, `SALES_INVALID_DISCOUNT`,
 * `SALES_INVALID_TAX_RATE`, `SALES_INVALID_FX_RATE`, `SALES_AMOUNT_OUT_OF_RANGE` — always before any result exists.
 *
 * @example
 * ```ts
 * import { calculateDocument } from '@rapport/sales/money'
 *
 * const quote = calculateDocument({
 *   currency: 'EUR',
 *   lines: [
 *     { quantity: '3', unitPriceMinor: 10000, discount: { percent: '10' }, taxRate: '20' },
 *     { kind: 'shipping', quantity: '1', unitPriceMinor: 644 },
 *   ],
 *   headerDiscount: { amountMinor: 1000 },
 *   fx: { companyCurrency: 'CNY', rate: '7.8123' },
 * })
 * quote.totals // { grossMinor: 30644, lineDiscountMinor: 3000, headerDiscountMinor: 1000, subtotalMinor: 26644, taxMinor: 5200, totalMinor: 31844 }
 * quote.company?.totalMinor // 248775 (CNY fen: 2,081.51 + 406.24)
 * ```
 */
export function calculateDocument(input: DocumentInput): CalculatedDocument {
  const document = parseDocument(input)
  const mode = document.roundingMode
  const nets = document.lines.map((line) => lineNet(line, mode))
  const headerShares = shareHeaderDiscount(
    document,
    nets.map((net) => net.net),
  )
  const afterHeader = nets.map((net, i) => net.net - (headerShares[i] as bigint))
  const taxes = computeTaxes(document, afterHeader)
  const lines: CalculatedLine[] = []
  // Header totals and the per-rate summary are summed in bigint as the lines are built: each is the exact sum of the
  // lines' field, checked once against the safe range, with no number → bigint round trip per line.
  const sums = { gross: 0n, lineDiscount: 0n, headerDiscount: 0n, subtotal: 0n, tax: 0n }
  const byRate = new Map<string, { base: bigint; tax: bigint }>()
  for (const [index, line] of document.lines.entries()) {
    const { gross, net } = nets[index] as { gross: bigint; net: bigint }
    const { subtotal, tax } = taxes[index] as { subtotal: bigint; tax: bigint }
    const header = headerShares[index] as bigint
    const path = ['lines', index]
    const taxRate = formatDecimal(line.taxRate)
    lines.push({
      index,
      kind: line.kind,
      quantity: formatDecimal(line.quantity),
      unitPriceMinor: Number(line.unitPrice),
      taxRate,
      grossMinor: safe(gross, path),
      lineDiscountMinor: safe(gross - net, path),
      netMinor: safe(net, path),
      headerDiscountMinor: safe(header, path),
      subtotalMinor: safe(subtotal, path),
      taxMinor: safe(tax, path),
      totalMinor: safe(subtotal + tax, path),
    })
    sums.gross += gross
    sums.lineDiscount += gross - net
    sums.headerDiscount += header
    sums.subtotal += subtotal
    sums.tax += tax
    const rate = byRate.get(taxRate)
    if (rate) {
      rate.base += subtotal
      rate.tax += tax
    } else byRate.set(taxRate, { base: subtotal, tax })
  }
  const totals = {
    grossMinor: safe(sums.gross, ['totals']),
    lineDiscountMinor: safe(sums.lineDiscount, ['totals']),
    headerDiscountMinor: safe(sums.headerDiscount, ['totals']),
    subtotalMinor: safe(sums.subtotal, ['totals']),
    taxMinor: safe(sums.tax, ['totals']),
    totalMinor: safe(sums.subtotal + sums.tax, ['totals']),
  }
  const result: CalculatedDocument = {
    currency: document.currency,
    pricesIncludeTax: document.pricesIncludeTax,
    taxRounding: document.taxRounding,
    roundingMode: mode,
    lines,
    totals,
    taxes: [...byRate].map(([rate, { base, tax }]) => ({
      rate,
      baseMinor: safe(base, ['taxes']),
      taxMinor: safe(tax, ['taxes']),
    })),
  }
  return document.fx ? withCompanyAmounts(result, document) : result
}

function mul(a: Ratio, b: Ratio): Ratio {
  return { n: a.n * b.n, d: a.d * b.d }
}

function lineNet(line: ParsedLine, mode: RoundingMode): { gross: bigint; net: bigint } {
  const exact: Ratio = { n: line.unitPrice * line.quantity.n, d: line.quantity.d }
  let price = exact
  for (const step of line.discounts) price = applyDiscount(price, step, line.quantity)
  return { gross: divRound(exact.n, exact.d, mode), net: divRound(price.n, price.d, mode) }
}

function applyDiscount(price: Ratio, step: ParsedDiscount, quantity: Ratio): Ratio {
  let next: Ratio
  if (step.kind === 'percent') {
    next = mul(price, { n: 100n * step.ratio.d - step.ratio.n, d: 100n * step.ratio.d })
  } else if (step.kind === 'perUnit') {
    const off = { n: step.amount * quantity.n, d: quantity.d }
    next = { n: price.n * off.d - off.n * price.d, d: price.d * off.d }
  } else {
    next = { n: price.n - step.amount * price.d, d: price.d }
  }
  return next.n < 0n ? { n: 0n, d: 1n } : next
}

function shareHeaderDiscount(document: ParsedDocument, nets: readonly bigint[]): bigint[] {
  const weights = document.lines.map((line, i) => (line.kind === 'item' ? (nets[i] as bigint) : 0n))
  const base = weights.reduce((a, b) => a + b, 0n)
  const header = document.headerDiscount
  if (!header || base === 0n) return weights.map(() => 0n)
  let amount: bigint
  if (header.kind === 'percent')
    amount = divRound(base * header.ratio.n, 100n * header.ratio.d, document.roundingMode)
  // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take
  else amount = header.amount < base ? header.amount : base
  return allocateBig(amount, weights, base)
}

function computeTaxes(
  document: ParsedDocument,
  amounts: readonly bigint[],
): { subtotal: bigint; tax: bigint }[] {
  const mode = document.roundingMode
  const inclusive = document.pricesIncludeTax
  // For a rate r = n/d percent: exclusive tax = amount × n / (100d); inclusive base = amount × 100d / (100d + n).
  // All lines at one rate share the denominator, so global rounding is integer arithmetic on numerators.
  const raw = document.lines.map((line, i) => {
    const amount = amounts[i] as bigint
    const { n, d } = line.taxRate
    return inclusive ? { num: amount * 100n * d, den: 100n * d + n } : { num: amount * n, den: 100n * d }
  })
  const rounded = raw.map((r) => divRound(r.num, r.den, mode))
  if (document.taxRounding === 'global') {
    const groups = new Map<string, number[]>()
    for (const [i, line] of document.lines.entries()) {
      const key = formatDecimal(line.taxRate)
      const group = groups.get(key)
      if (group) group.push(i)
      else groups.set(key, [i])
    }
    for (const indexes of groups.values()) {
      const den = (raw[indexes[0] as number] as { den: bigint }).den
      const nums = indexes.map((i) => (raw[i] as { num: bigint }).num)
      const target = divRound(
        nums.reduce((a, b) => a + b, 0n),
        den,
        mode,
      )
      for (const [k, share] of spreadRounded(target, nums, den).entries())
        rounded[indexes[k] as number] = share
    }
  }
  return document.lines.map((_, i) => {
    const amount = amounts[i] as bigint
    const value = rounded[i] as bigint
    return inclusive ? { subtotal: value, tax: amount - value } : { subtotal: amount, tax: value }
  })
}

/** Shares a rounded group total over exact values `nums / den`: each gets its floor, the leftover units go to the
 * largest fractional parts (ties to the earlier line). The leftover never exceeds the count of fractional parts. */
function spreadRounded(target: bigint, nums: readonly bigint[], den: bigint): bigint[] {
  const parts = nums.map((num) => num / den)
  let left = target - parts.reduce((a, b) => a + b, 0n)
  const order = nums
    .map((_, i) => i)
    .sort((a, b) => {
      const x = (nums[a] as bigint) % den
      const y = (nums[b] as bigint) % den
      return x === y ? 0 : x > y ? -1 : 1
    })
  for (let k = 0; left > 0n && k < order.length; k++, left--) {
    const i = order[k] as number
    parts[i] = (parts[i] as bigint) + 1n
  }
  return parts
}

function withCompanyAmounts(result: CalculatedDocument, document: ParsedDocument): CalculatedDocument {
  const fx = document.fx as NonNullable<ParsedDocument['fx']>
  const shift = fx.companyExponent - document.exponent
  const factor: Ratio =
    shift >= 0
      ? { n: fx.rate.n * pow10(shift), d: fx.rate.d }
      : { n: fx.rate.n, d: fx.rate.d * pow10(-shift) }
  const convert = (minor: number) => divRound(BigInt(minor) * factor.n, factor.d, document.roundingMode)
  const subtotal = convert(result.totals.subtotalMinor)
  const tax = convert(result.totals.taxMinor)
  const lineSubtotals = share(
    subtotal,
    result.lines.map((l) => BigInt(l.subtotalMinor)),
  )
  const lineTaxes = share(
    tax,
    result.lines.map((l) => BigInt(l.taxMinor)),
  )
  const company: CompanyTotals = {
    currency: fx.companyCurrency,
    rate: formatDecimal(fx.rate),
    subtotalMinor: safe(subtotal, ['company']),
    taxMinor: safe(tax, ['company']),
    totalMinor: safe(subtotal + tax, ['company']),
  }
  const lines = result.lines.map((line, i) => {
    const s = lineSubtotals[i] as bigint
    const t = lineTaxes[i] as bigint
    return { ...line, company: { subtotalMinor: Number(s), taxMinor: Number(t), totalMinor: Number(s + t) } }
  })
  return { ...result, lines, company }
}

function share(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n)
  return sum === 0n ? weights.map(() => 0n) : allocateBig(total, weights, sum)
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)

function safe(value: bigint, path: readonly (string | number)[]): number {
  if (value > MAX_SAFE || value < MIN_SAFE) {
    throw salesError(
      SalesErrorCodes.AMOUNT_OUT_OF_RANGE,
      `An amount at ${path.join('.')} exceeds a safe integer`,
      {
        path,
      },
    )
  }
  return Number(value)
}
