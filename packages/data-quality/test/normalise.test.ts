import fc from 'fast-check'
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { describe, expect, it } from 'vitest'
import {
  companyDomainOf,
  companyNameKey,
  domainOf,
  emailKey,
  foldText,
  phoneBlockKey,
  phoneToE164,
} from '../src/index.js'

/** ASCII letters and digits to their full-width forms (U+FF01–U+FF5E), and the space to U+3000. */
const toFullWidth = (s: string) =>
  s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000')

const word = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/)

describe('email keys', () => {
  it.each([
    ['John.Smith+crm@GoogleMail.com', 'johnsmith@gmail.com'],
    ['j.o.h.n@gmail.com', 'john@gmail.com'],
    ['Dora.Ma@Example.com', 'dora.ma@example.com'],
    ['first.last+news@outlook.com', 'first.last@outlook.com'],
    ['first.last@live.com', 'first.last@live.com'],
    ['x-y@yahoo.com', 'x@yahoo.com'],
    ['ann+tag@icloud.com', 'ann@icloud.com'],
    ['ann.lee+tag@acme.com', 'ann.lee+tag@acme.com'],
    ['  ＡＮＮ@ＡＣＭＥ.ＣＯＭ ', 'ann@acme.com'],
    ['ann@bücher.de', 'ann@xn--bcher-kva.de'],
  ])('%s → %s', (input, key) => {
    expect(emailKey(input)).toBe(key)
  })

  it.each([['not an email'], ['@acme.com'], ['ann@'], ['ann@acme'], ['a b@acme.com'], ['']])(
    '%j is not an address',
    (input) => {
      expect(emailKey(input)).toBeNull()
    },
  )

  it('is idempotent and ignores case and Gmail dots', () => {
    fc.assert(
      fc.property(word, word, fc.constantFrom('gmail.com', 'acme.com', 'outlook.com'), (a, b, domain) => {
        const key = emailKey(`${a}.${b}@${domain}`)
        expect(key).not.toBeNull()
        expect(emailKey(key)).toBe(key)
        expect(emailKey(`${a.toUpperCase()}.${b}@${domain.toUpperCase()}`)).toBe(key)
        if (domain === 'gmail.com') expect(emailKey(`${a}${b}+x@googlemail.com`)).toBe(key)
      }),
    )
  })
})

describe('phones to E.164', () => {
  it.each([
    ['(415) 555-0101', 'US', '+14155550101'],
    ['415.555.0101', 'US', '+14155550101'],
    ['+1 415 555 0101', 'CN', '+14155550101'],
    ['13812345678', 'CN', '+8613812345678'],
    ['010-6552 9988', 'CN', '+861065529988'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['＋１ ４１５ ５５５ ０１０１', undefined, '+14155550101'],
  ] as const)('%s in %s → %s', (input, region, e164) => {
    expect(phoneToE164(input, region)).toBe(e164)
  })

  it.each([
    ['555-1234', 'US'],
    ['(415) 555-0101', undefined],
    ['call me', 'US'],
  ] as const)('%s in %s is not a valid number', (input, region) => {
    expect(phoneToE164(input, region)).toBeNull()
  })

  it('reads every formatting of one US number the same, and E.164 is a fixed point', () => {
    const digits = fc.tuple(
      fc.integer({ min: 201, max: 989 }),
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 0, max: 9999 }),
    )
    fc.assert(
      fc.property(digits, fc.constantFrom('US', 'CA', 'GB', 'CN'), ([area, exchange, line], region) => {
        const l = String(line).padStart(4, '0')
        const e164 = phoneToE164(`+1${area}${exchange}${l}`, region)
        if (e164 === null) return // not an assigned North American range
        expect(phoneToE164(e164, region)).toBe(e164)
        if (region === 'US' || region === 'CA') {
          expect(phoneToE164(`(${area}) ${exchange}-${l}`, region)).toBe(e164)
          expect(phoneToE164(`${area}.${exchange}.${l}`, region)).toBe(e164)
          expect(phoneToE164(toFullWidth(`${area} ${exchange} ${l}`), region)).toBe(e164)
        }
        expect(phoneBlockKey(e164)).toBe(e164.slice(0, -4))
      }),
    )
  })

  it('reads a national number in the region asked for, whatever was read before (the parse cache keys on it)', () => {
    const national = fc.constantFrom('010-6552 9988', '(415) 555-0101', '020 7946 0958', '13812345678')
    const region = fc.constantFrom('US', 'CN', 'GB', undefined)
    // The reference: libphonenumber-js called directly, nothing cached.
    const uncached = (input: string, r: 'US' | 'CN' | 'GB' | undefined) => {
      const parsed = r ? parsePhoneNumberFromString(input, r) : parsePhoneNumberFromString(input)
      return parsed?.isValid() ? parsed.number : null
    }
    fc.assert(
      fc.property(fc.array(fc.tuple(national, region), { minLength: 1, maxLength: 30 }), (reads) => {
        for (const [input, r] of reads) expect(phoneToE164(input, r)).toBe(uncached(input, r))
      }),
    )
  })
})

describe('company name keys', () => {
  it.each([
    ['ACME, Inc.', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['The Acme Company', 'acme'],
    ['Acme Holdings Pty. Ltd.', 'acme holdings'],
    ['Siemens AG', 'siemens'],
    ['Müller GmbH & Co. KG', 'müller'],
    ['ＡＣＭＥ　ＧｍｂＨ', 'acme'],
    ['Société Générale S.A.', 'société générale'],
    ['深圳市腾讯计算机系统有限公司', '腾讯计算机系统'],
    ['腾讯计算机系统有限公司', '腾讯计算机系统'],
    ['华为技术有限公司', '华为技术'],
    ['中国平安保险（集团）股份有限公司', '中国平安保险(集团)'],
    ['阿里巴巴集团控股有限公司', '阿里巴巴集团控股'],
    ['北京字节跳动科技有限公司', '字节跳动科技'],
    ['ソニー株式会社', 'ソニー'],
    ['Ltd', 'ltd'],
    ['Company', 'company'],
  ])('%s → %s', (input, key) => {
    expect(companyNameKey(input)).toBe(key)
  })

  it('is idempotent, and full-width and case variants share one key', () => {
    const legal = fc.constantFrom(
      '',
      ' Inc.',
      ' GmbH',
      ' Ltd',
      ' Pty Ltd',
      ' S.A.',
      ' LLC',
      '有限公司',
      '股份有限公司',
    )
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), legal, (words, form) => {
        const name = words.join(' ') + form
        const key = companyNameKey(name)
        expect(key).not.toBeNull()
        expect(companyNameKey(key)).toBe(key)
        expect(companyNameKey(name.toUpperCase())).toBe(key)
        expect(companyNameKey(toFullWidth(name))).toBe(key)
        expect(companyNameKey(words.join(' '))).toBe(key)
      }),
    )
  })
})

describe('domains', () => {
  it.each([
    ['https://www.Acme.com/about?x=1', 'acme.com'],
    ['http://shop.acme.co.uk', 'shop.acme.co.uk'],
    ['acme.com', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['ann@Acme.com', 'acme.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['ＡＣＭＥ．ＣＯＭ', 'acme.com'],
  ])('%s → %s', (input, domain) => {
    expect(domainOf(input)).toBe(domain)
  })

  it.each([[''], ['not a domain'], ['http://'], ['localhost']])('%j has no domain', (input) => {
    expect(domainOf(input)).toBeNull()
  })

  it('drops free-mail domains from company domains', () => {
    expect(companyDomainOf('ann@gmail.com')).toBeNull()
    expect(companyDomainOf('ann@qq.com')).toBeNull()
    expect(companyDomainOf('https://163.com')).toBeNull()
    expect(companyDomainOf('ann@acme.com')).toBe('acme.com')
  })

  it('url, email and bare forms of a domain agree', () => {
    fc.assert(
      fc.property(word, fc.constantFrom('com', 'de', 'cn', 'co.uk'), (name, tld) => {
        const domain = `${name}.${tld}`
        expect(domainOf(`https://www.${domain.toUpperCase()}/path`)).toBe(domain)
        expect(domainOf(`someone@${domain}`)).toBe(domain)
        expect(domainOf(domain)).toBe(domain)
      }),
    )
  })
})

describe('folding', () => {
  it('folds full-width forms, case and white space', () => {
    expect(foldText('  ＡＣＭＥ　Ｉｎｃ． ')).toBe('acme inc.')
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ 012-'.split('')) }), (s) => {
        expect(foldText(toFullWidth(s))).toBe(foldText(s))
      }),
    )
  })
})
