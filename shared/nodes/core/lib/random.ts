/**
 * Seeded randomness and plausible fake data for test-data generators. Everything draws from one
 * `Random`, so the same seed always yields the same sequence of values.
 */

/** sfc32: small, fast, 128-bit state, passes PractRand; plenty for test data, not for secrets. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads any integer seed (including 0 and values above 2^32) over the state.
    let s = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** A seed for runs that did not ask for one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version-4 UUID made from the seeded generator. */
export function uuid(r: Random): string {
  const a = r.uint32();
  const b = r.uint32();
  const c = r.uint32();
  const d = r.uint32();
  return (
    HEX[a >>> 24]! + HEX[(a >>> 16) & 255]! + HEX[(a >>> 8) & 255]! + HEX[a & 255]! + '-' +
    HEX[b >>> 24]! + HEX[(b >>> 16) & 255]! + '-' +
    HEX[((b >>> 8) & 15) | 0x40]! + HEX[b & 255]! + '-' +
    HEX[((c >>> 24) & 63) | 0x80]! + HEX[(c >>> 16) & 255]! + '-' +
    HEX[(c >>> 8) & 255]! + HEX[c & 255]! +
    HEX[d >>> 24]! + HEX[(d >>> 16) & 255]! + HEX[(d >>> 8) & 255]! + HEX[d & 255]!
  );
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** N random decimal digits; nine per draw, since this sits on the hot path of card numbers and IBANs. */
export function digits(r: Random, n: number): string {
  let out = '';
  for (; n >= 9; n -= 9) out += String(Math.floor(r.next() * 1e9)).padStart(9, '0');
  if (n > 0) out += String(Math.floor(r.next() * (POW10[n] as number))).padStart(n, '0');
  return out;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

export function letters(r: Random, n: number, alphabet = UPPER): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(r.next() * alphabet.length)];
  return out;
}

export function word(r: Random, min = 1, max = 12): string {
  return letters(r, r.int(min, max), LOWER);
}

const FIRST_NAMES = [
  'Ana', 'Ben', 'Chloé', 'Dev', 'Emma', 'Felix', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena',
  'Marta', 'Noah', 'Olga', 'Pedro', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wei', 'Xavier',
  'Yara', 'Zoë', 'Amira', 'Bruno', 'Clara', 'Diego', 'Elif', 'Finn', 'José', 'Mei', 'Priya', 'Søren',
];
const LAST_NAMES = [
  'Lima', 'Okafor', 'Martin', 'Patel', 'Müller', 'Rossi', 'García', 'Nowak', 'Jansen', 'Dubois',
  'Smith', 'Tanaka', 'Kim', 'Silva', 'Novak', 'Larsen', 'Murphy', 'Costa', 'Schmidt', 'Fischer',
  'Haddad', 'Nguyen', 'Walsh', 'Bianchi', 'Lindqvist', 'Kowalski', 'Moreau', 'Chen', 'Ferreira', 'Berg',
];
const ascii = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ø/g, 'o').toLowerCase();
const FIRST_ASCII = FIRST_NAMES.map(ascii);
const LAST_ASCII = LAST_NAMES.map(ascii);
// Reserved example domains (RFC 2606), so generated addresses can never reach a real person.
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];

export function personName(r: Random): string {
  return `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
}

export function email(r: Random): string {
  const first = FIRST_ASCII[Math.floor(r.next() * FIRST_ASCII.length)];
  const last = LAST_ASCII[Math.floor(r.next() * LAST_ASCII.length)];
  const n = Math.floor(r.next() * 100);
  return `${first}.${last}${n < 50 ? '' : n}@${r.pick(DOMAINS)}`;
}

/** The countries of the example reference data (flows/data/countries.csv), ISO 3166 alpha-2. */
export const COUNTRIES = ['AT', 'BE', 'DE', 'ES', 'FR', 'IE', 'IT', 'NL', 'PL', 'SE', 'GB', 'US', 'CA', 'JP', 'SG', 'AU'] as const;

export function country(r: Random): string {
  return r.pick(COUNTRIES);
}

/** BBAN layouts per country: `n` digits, `a` upper-case letters, in runs. */
const IBAN_LAYOUTS: Record<string, ReadonlyArray<readonly ['n' | 'a', number]>> = {
  AT: [['n', 16]],
  BE: [['n', 12]],
  DE: [['n', 18]],
  ES: [['n', 20]],
  FR: [['n', 23]],
  GB: [['a', 4], ['n', 14]],
  IE: [['a', 4], ['n', 14]],
  IT: [['a', 1], ['n', 22]],
  NL: [['a', 4], ['n', 10]],
  PL: [['n', 24]],
  SE: [['n', 20]],
};
export const IBAN_COUNTRIES = Object.keys(IBAN_LAYOUTS);

/** An IBAN with valid check digits (ISO 13616, mod 97) for the given or a random country. */
export function iban(r: Random, countryCode?: string): string {
  const cc = countryCode ?? r.pick(IBAN_COUNTRIES);
  const layout = IBAN_LAYOUTS[cc];
  if (!layout) throw new Error(`no IBAN layout for country "${cc}"`);
  let bban = '';
  for (const [kind, n] of layout) bban += kind === 'n' ? digits(r, n) : letters(r, n);
  return `${cc}${ibanCheckDigits(cc, bban)}${bban}`;
}

export function ibanCheckDigits(countryCode: string, bban: string): string {
  let rem = 0;
  for (const ch of `${bban}${countryCode}00`) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? code - 55 : code - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return String(98 - rem).padStart(2, '0');
}

/** A 16-digit Visa-style card number with a valid Luhn check digit; random, not a real card. */
export function cardNumber(r: Random): string {
  const payload = `4${digits(r, 14)}`;
  return payload + luhnCheckDigit(payload);
}

export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
