import type { LocalZone } from './timeFormat';

/** A zone as stored on a request (`confirmerTimeZone`): an IANA name, or an offset such as +01:00. */
export function zoneToString(zone: LocalZone | undefined): string | undefined {
  if (!zone) return undefined;
  if (zone.kind === 'iana') return zone.zone;
  const sign = zone.minutes < 0 ? '-' : '+';
  const abs = Math.abs(zone.minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function zoneFromString(s: string | undefined): LocalZone | undefined {
  if (!s) return undefined;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(s);
  if (m) return { kind: 'offset', minutes: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) };
  return { kind: 'iana', zone: s };
}
