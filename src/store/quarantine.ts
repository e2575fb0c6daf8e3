/** A stored record that could not be read, moved aside so the bot runs on without it. */
export interface Quarantined {
  /** the store key, e.g. request/<id> or index/active */
  key: string;
  /** where it was: a file, or a blob name */
  from: string;
  /** where it is now; undefined if it could not be moved (it is then left in place and read as absent) */
  to?: string;
  /** why it could not be read, or why it could not be moved */
  problem: string;
}

/** `<name>.<UTC time>`, safe in file and blob names: request%2F….json.2026-11-22T12-34-56-789Z */
export function quarantineName(name: string, now: number): string {
  return `${name}.${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
}
