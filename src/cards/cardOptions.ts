import type { LocalZone } from '../domain/timeFormat';

/** How a request's card is drawn for its reader. */
export interface CardOptions {
  /** the reader's time zone, for local times next to UTC */
  zone?: LocalZone;
  /** defaults to the current time */
  now?: Date;
  /** where the CSV of every outcome can be downloaded (result card of a finished request) */
  csv?: CsvLink;
}

/** A signed download link for the CSV of a request's outcomes (src/bot/csvLinks.ts). */
export interface CsvLink {
  url: string;
  /** when the link stops working, ISO 8601 UTC */
  expiresAt: string;
}
