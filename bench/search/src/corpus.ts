// The workload: deterministic multilingual contacts (Chinese, Japanese, Korean, accented Latin names; emails; phone
// numbers; titles) and the queries users type against them, drawn from the same generator.

/** A small deterministic PRNG (mulberry32), so every run builds and queries the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!

const zhSurnames = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
].concat(['欧阳', '司马', '诸葛'])
const zhGiven = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕鹏辉波宁欣怡子涵浩然宇轩梓萱思琪雨欣博文俊杰晨阳佳琪梦瑶嘉怡天佑星辰宏伟志强海燕春梅建国建华丹丹',
]
const jaSurnames = [
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '山本',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山田',
  '佐々木',
  '山口',
  '松本',
]
const jaGiven = [
  'さくら',
  'ひなた',
  'ゆい',
  '陽翔',
  '蓮',
  '大翔',
  '湊',
  'ユウキ',
  'ハルト',
  '結衣',
  '美咲',
  '翔太',
  '健太',
  'アオイ',
]
const koSurnames = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권']
const koGiven = [
  '민준',
  '서연',
  '도윤',
  '지우',
  '하준',
  '서윤',
  '예준',
  '지호',
  '수아',
  '하은',
  '지민',
  '현우',
  '유진',
  '은서',
]
const latinFirst = [
  'Ada',
  'Grace',
  'Alan',
  'Zoë',
  'José',
  'Søren',
  'Łukasz',
  'Ana',
  'Chloé',
  'François',
  'Jürgen',
  'Mårten',
  'Noémie',
  'İlkay',
  'Nguyễn',
  'Ramón',
  'Inès',
  'Björn',
  'Małgorzata',
  'Oliver',
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Amelia',
  'Lucas',
  'Mia',
  'Ethan',
  'Sofia',
  'Mateo',
  'Hugo',
  'Léa',
  'Matteo',
  'Giulia',
  'Sven',
  'Ingrid',
  'Pieter',
  'Anouk',
  'Dmitri',
  'Olga',
]
const latinLast = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Müller',
  'Ørsted',
  'García',
  'Martínez',
  'Dubois',
  'Lefèvre',
  'Schröder',
  'Kowalski',
  'Nowak',
  'Öztürk',
  'Yılmaz',
  'Nakamura',
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Rodríguez',
  'Hernández',
  'López',
  'González',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Pérez',
  'Thompson',
  'White',
  'Harris',
  'Sánchez',
  'Clark',
  'Ramírez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Gómez',
  'Phillips',
  'Evans',
  'Turner',
  'Díaz',
  'Parker',
  'Cruz',
  'Edwards',
  'Collins',
  'Reyes',
  'Stewart',
  'Morris',
  'Morales',
  'Murphy',
  'Cook',
  'Rogers',
  'Gutiérrez',
  'Ortiz',
  'Morgan',
  'Cooper',
  'Peterson',
  'Bailey',
  'Reed',
  'Kelly',
  'Howard',
  'Ramos',
  'Kim',
  'Cox',
  'Ward',
  'Richardson',
  'Watson',
  'Brooks',
  'Chávez',
  'Wood',
  'James',
  'Bennett',
  'Gray',
  'Mendoza',
  'Ruiz',
  'Hughes',
  'Price',
  'Álvarez',
  'Castillo',
  'Sanders',
  'Patel',
  'Myers',
  'Long',
  'Ross',
  'Foster',
  'Jiménez',
  'Ó Briain',
  'Van der Berg',
  'De Luca',
  'Björklund',
  'Håkansson',
  'Żukowski',
  'Dvořák',
  'Novák',
  'Horváth',
  'Kovačević',
  'Popović',
  'Petrović',
]
const titles = [
  'Engineer',
  'Sales Manager',
  'CEO',
  'CTO',
  'Analyst',
  'Designer',
  '销售经理',
  '总经理',
  '工程师',
  '営業部長',
  'エンジニア',
  '대표이사',
  '엔지니어',
  'Directeur général',
  'Geschäftsführer',
  'Jefe de ventas',
]
const domains = [
  'example.com',
  'mail.example.cn',
  'beispiel.de',
  'exemple.fr',
  'ejemplo.es',
  'example.jp',
  'example.kr',
  'xingchen.cn',
]
const romanised = ['wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'sato', 'suzuki', 'kim', 'lee', 'park']

/** One contact input, as `crm.contacts.createMany` takes it. */
export interface ContactInput {
  firstName: string
  lastName: string
  emails: { address: string; primary: boolean }[]
  phones: { number: string }[]
  title: string
}

/** The `i`-th contact: 40% Chinese, 10% Japanese, 10% Korean, 40% Latin names; a unique email; a phone. */
export function contactAt(i: number): ContactInput {
  const rnd = random(i * 7919 + 17)
  const kind = rnd()
  let firstName: string
  let lastName: string
  let local: string
  if (kind < 0.4) {
    lastName = pick(rnd, zhSurnames)
    firstName = pick(rnd, zhGiven) + (rnd() < 0.6 ? pick(rnd, zhGiven) : '')
    local = pick(rnd, romanised)
  } else if (kind < 0.5) {
    lastName = pick(rnd, jaSurnames)
    firstName = pick(rnd, jaGiven)
    local = pick(rnd, romanised)
  } else if (kind < 0.6) {
    lastName = pick(rnd, koSurnames)
    firstName = pick(rnd, koGiven)
    local = pick(rnd, romanised)
  } else {
    firstName = pick(rnd, latinFirst)
    lastName = pick(rnd, latinLast)
    local = `${firstName}.${lastName}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase()
  }
  const country = pick(rnd, ['86', '81', '82', '44', '49', '33', '1'])
  const national = String(1_000_000_000 + Math.floor(rnd() * 8_999_999_999)).slice(0, 10)
  return {
    firstName,
    lastName,
    emails: [{ address: `${local}.${i}@${pick(rnd, domains)}`, primary: true }],
    phones: [{ number: `+${country}${national}` }],
    title: pick(rnd, titles),
  }
}

/** A query class and the text a user types for it. */
export interface BenchQuery {
  readonly kind: string
  readonly text: string
}

/**
 * Queries a user types, drawn from existing contacts so they hit: a full CJK name (`张伟`), a CJK given name, a
 * Japanese and a Korean name, a Latin full name, a name prefix as typed (`Lov`, `Ada Lov`), an accent-free spelling,
 * a whole email, an email prefix, phone digits, a title word. `count` per class.
 */
export function benchQueries(size: number, count: number): BenchQuery[] {
  const rnd = random(424242)
  const out: BenchQuery[] = []
  const contact = () => contactAt(Math.floor(rnd() * size))
  const latin = () => {
    for (;;) {
      const c = contact()
      if (/^[\p{Script=Latin}]/u.test(c.firstName)) return c
    }
  }
  const cjk = (script: RegExp) => {
    for (;;) {
      const c = contact()
      if (script.test(c.lastName)) return c
    }
  }
  for (let n = 0; n < count; n++) {
    const zh = cjk(/^\p{Script=Han}+$/u)
    out.push({ kind: 'cjk full name', text: `${zh.lastName}${zh.firstName}` })
    out.push({
      kind: 'cjk given name',
      text: zh.firstName.length >= 2 ? zh.firstName : `${zh.lastName}${zh.firstName}`,
    })
    const kana = /[\p{Script=Hiragana}\p{Script=Katakana}]/u
    let ja = contact()
    while (!kana.test(ja.firstName)) ja = contact()
    out.push({
      kind: 'japanese/korean name',
      text: n % 2 === 0 ? ja.firstName : cjk(/^\p{Script=Hangul}+$/u).firstName,
    })
    const la = latin()
    out.push({ kind: 'latin full name', text: `${la.firstName} ${la.lastName}` })
    out.push({
      kind: 'prefix as typed',
      text: n % 2 === 0 ? la.lastName.slice(0, 3) : `${la.firstName} ${la.lastName.slice(0, 3)}`,
    })
    out.push({
      kind: 'accents folded',
      text: la.lastName
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase(),
    })
    const email = contact().emails[0]!.address
    out.push({ kind: 'whole email', text: email })
    out.push({ kind: 'email prefix', text: email.slice(0, Math.max(4, email.indexOf('@') - 2)) })
    const phone = contact().phones[0]!.number
    out.push({ kind: 'phone digits', text: n % 2 === 0 ? phone : phone.slice(-7) })
  }
  return out
}
