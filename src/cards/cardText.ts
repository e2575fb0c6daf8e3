import { formatInstant, type LocalZone } from '../domain/timeFormat';
import type { Person, SignoutRequest } from '../domain/types';

/** Pieces of wording and their types that several cards share. */

export type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

/** A "Label: text" line; label and text are separate TextRuns, so a value never reads as a label. */
export interface Line {
  label: string;
  text: string;
}

/** A coloured line above a card's details. */
export interface Note {
  text: string;
  color: Color;
}

export function reasonText(reason: string): string {
  return reason.trim() ? reason : 'No reason given';
}

/** " at 2026-11-22 12:34:56 UTC (13:34:56 Europe/Berlin)", or nothing without a time. */
export function atTime(iso: string | undefined, zone: LocalZone | undefined): string {
  return iso ? ` at ${formatInstant(iso, zone)}` : '';
}

export function personLine(label: string, p: Person, iso: string | undefined, zone?: LocalZone): Line {
  return { label, text: `${p.name}${atTime(iso, zone)}` };
}

/** Who asked and when, who approved, and who confirmed when that was someone else. */
export function requestPeople(req: SignoutRequest, zone: LocalZone | undefined): Line[] {
  const people = [personLine('Requested by', req.requester, req.createdAt, zone)];
  if (req.approvedBy) people.push(personLine('Approved by', req.approvedBy, req.approvedAt, zone));
  if (req.confirmedBy && req.confirmedBy.id !== req.approvedBy?.id)
    people.push(personLine('Confirmed by', req.confirmedBy, req.confirmedAt, zone));
  return people;
}

/** The note on a `--block` request's card: sign-in is blocked before the sessions are revoked. */
export function blockNote(stage: 'asked' | 'running' | 'done'): Note {
  switch (stage) {
    case 'asked':
      return { text: 'Sign-in will be blocked first (accountEnabled = false)', color: 'Attention' };
    case 'running':
      return {
        text: 'Sign-in is blocked first (accountEnabled = false), then the sessions are revoked.',
        color: 'Warning',
      };
    case 'done':
      return {
        text: 'Sign-in was blocked first (accountEnabled = false). An admin can allow it again with unblock.',
        color: 'Warning',
      };
  }
}
