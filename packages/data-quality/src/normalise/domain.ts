import { asciiDomain } from './email.js'

/**
 * Free-mail and ISP mail domains: an address there says nothing about the person's company, so they never become a
 * company domain key (Odoo drops these too).
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  '126.com',
  '139.com',
  '163.com',
  'aim.com',
  'aliyun.com',
  'aol.com',
  'fastmail.com',
  'foxmail.com',
  'free.fr',
  'gmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hanmail.net',
  'hey.com',
  'hotmail.co.uk',
  'hotmail.com',
  'hotmail.de',
  'hotmail.fr',
  'icloud.com',
  'inbox.com',
  'laposte.net',
  'libero.it',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'naver.com',
  'orange.fr',
  'outlook.com',
  'proton.me',
  'protonmail.com',
  'qq.com',
  'rediffmail.com',
  'rocketmail.com',
  'seznam.cz',
  'sina.cn',
  'sina.com',
  'sohu.com',
  't-online.de',
  'tutanota.com',
  'web.de',
  'wp.pl',
  'yahoo.co.jp',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.com.cn',
  'yahoo.de',
  'yahoo.fr',
  'yandex.com',
  'yandex.ru',
  'yeah.net',
  'ymail.com',
  'zoho.com',
])

/**
 * The host of a URL (`https://www.Acme.com/about`), an e-mail address (`ann@acme.com`) or a bare domain, in lower
 * case ASCII without `www.`; `null` when there is none.
 *
 * @example
 * ```ts
 * domainOf('https://www.Acme.com/about') // 'acme.com'
 * domainOf('ann@Acme.com')               // 'acme.com'
 * domainOf('bücher.de')                  // 'xn--bcher-kva.de'
 * ```
 */
export function domainOf(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null
  let text = input.normalize('NFKC').trim()
  if (text.length === 0 || text.length > 2048) return null
  const at = text.lastIndexOf('@')
  if (at >= 0 && !/^[a-z][a-z0-9+.-]*:\/\//iu.test(text)) {
    text = text.slice(at + 1)
  } else {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//iu.test(text) ? text : `http://${text}`
    try {
      text = new URL(withScheme).hostname
    } catch {
      return null
    }
  }
  const host = asciiDomain(text)
  if (host === null) return null
  return host.startsWith('www.') && host.split('.').length > 2 ? host.slice(4) : host
}

/**
 * The company domain behind a URL or e-mail address, or `null` for free-mail domains (gmail.com, qq.com, 163.com…)
 * and input with no domain.
 *
 * @example
 * ```ts
 * companyDomainOf('ann@acme.com')   // 'acme.com'
 * companyDomainOf('ann@gmail.com')  // null
 * ```
 */
export function companyDomainOf(input: string | null | undefined): string | null {
  const domain = domainOf(input)
  return domain === null || FREE_MAIL_DOMAINS.has(domain) ? null : domain
}
