import { type SignInEntry } from './signIns';

/** How many days before a sign-out count as the user's usual places. */
export const BASELINE_DAYS = 7;

/** The IP addresses and countries a user signed in from successfully before the sign-out. */
export interface KnownPlaces {
  ips: ReadonlySet<string>;
  countries: ReadonlySet<string>;
}

/** A new sign-in from an IP address or a country the user did not sign in from in the days before. */
export interface UnusualSignIn {
  entry: SignInEntry;
  newIp: boolean;
  newCountry: boolean;
}

const norm = (s: string | undefined) => s?.trim().toLowerCase() || undefined;

/**
 * Only successful sign-ins make a place known: an attacker's refused attempts from their own address
 * must not make that address look usual.
 */
export function knownPlaces(before: readonly SignInEntry[]): KnownPlaces {
  const ok = before.filter((e) => e.errorCode === 0);
  return {
    ips: new Set(ok.map((e) => norm(e.ipAddress)).filter((x): x is string => !!x)),
    countries: new Set(ok.map((e) => norm(e.countryOrRegion)).filter((x): x is string => !!x)),
  };
}

/**
 * The sign-ins from a place not seen before, most unusual first (a new country outweighs a new address),
 * then newest first. A sign-in without an address or a country is not flagged for the part it lacks.
 */
export function unusualSignIns(newSignIns: readonly SignInEntry[], known: KnownPlaces): UnusualSignIn[] {
  return newSignIns
    .map((entry) => {
      const ip = norm(entry.ipAddress);
      const country = norm(entry.countryOrRegion);
      return {
        entry,
        newIp: ip !== undefined && !known.ips.has(ip),
        newCountry: country !== undefined && !known.countries.has(country),
      };
    })
    .filter((u) => u.newIp || u.newCountry)
    .sort((a, b) => unusualness(b) - unusualness(a) || Date.parse(b.entry.at) - Date.parse(a.entry.at));
}

/** 3: new country and address; 2: new country; 1: new address in a known country. */
export function unusualness(u: Pick<UnusualSignIn, 'newIp' | 'newCountry'>): number {
  return (u.newCountry ? 2 : 0) + (u.newIp ? 1 : 0);
}
