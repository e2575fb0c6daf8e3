import type { CsvLink } from '../cards/cardOptions';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { RequestStore } from '../store/requestStore';
import type { Refusals } from './refusals';
import type { JobControl, RequestEnds } from './requestEnds';
import type { RequestNotices } from './requestNotices';
import type { TeamsPort } from './teamsPort';

/** What the request services (create, choose, confirm, approve, reject, cancel) work with. */
export interface RequestDeps {
  tenantId: string;
  /** how long a card can be answered (CONFIRMATION_TTL_MINUTES) */
  ttlMinutes: number;
  store: RequestStore;
  audit: Pick<AuditSink, 'append' | 'appendMany'>;
  port: TeamsPort;
  jobs: JobControl;
  ends: RequestEnds;
  refusals: Refusals;
  /** each request's notice card in the security channel */
  notices: RequestNotices;
  log: Logger;
  /** a link to the CSV of a request's outcomes, and when it expires */
  csvLink: (requestId: string) => CsvLink;
  now: () => Date;
}
