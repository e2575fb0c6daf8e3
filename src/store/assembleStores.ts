import type { Storage } from 'botbuilder';
import { AlertStore, type CreateIfAbsent, processLocalCreate } from './alertStore';
import type { AuditSink, TornLine } from './auditLog';
import type { DeliveryLedger } from './deliveryLedger';
import { FollowUpStore } from './followUpStore';
import { GuardedAudit, GuardedStorage } from './guardedStore';
import type { Quarantined } from './quarantine';
import { RefusalTallies } from './refusalTallies';
import { RequestStore, type ListableStorage } from './requestStore';
import { StoreHealth } from './storeHealth';

/** The request store's index of unfinished requests (see RequestStore.init). */
export const ACTIVE_INDEX_KEY = 'index/active';
export const CSV_LINK_KEY = 'csv-link.key';
export const PROBE_KEY = 'health/probe';

/** How often the store is probed with a small write while it refuses writes, and while it accepts them. */
const PROBE_MS = 5_000;
const HEALTHY_PROBE_MS = 30_000;

export interface Stores {
  /** the Storage under `store`; flush() waits for writes in flight */
  storage: Storage & { flush(): Promise<void> };
  store: RequestStore;
  /** the records behind alert cards (risky users' episodes, submitted alerts) */
  alerts: AlertStore;
  /** the follow-ups owed after sign-outs (FOLLOW_UP_MINUTES) */
  followUps: FollowUpStore;
  audit: AuditSink;
  /** signs the CSV download links; the same for every instance on this back-end */
  csvLinkKey: Buffer;
  /** each caller's refusals per hour, with the card that shows them */
  tallies: RefusalTallies;
  /** messages already handled, so Teams' redelivery is not handled twice */
  deliveries: DeliveryLedger;
  /** whether the store accepts writes (for /healthz and the answers) */
  health: StoreHealth;
  /** Waits for writes and appends in flight. */
  close(): Promise<void>;
}

/** What the stores report to whoever runs them (logs, the security channel). */
export interface StoreEvents {
  /** the delivery ledger could not answer: the message is handled anyway */
  ledgerError?: (err: unknown) => void;
  /** a torn last line of audit.jsonl was repaired before an append */
  tornAuditLine?: (torn: TornLine) => void;
  /** audit.jsonl.index could not be read or written (history reads more of the log meanwhile) */
  auditIndexError?: (err: unknown) => void;
  /** audit.jsonl.index did not match the log (the log was cut or replaced) and is being rebuilt */
  auditIndexDiscarded?: (d: { file: string; reason: string }) => void;
  /** a record that could not be read was moved aside */
  quarantined?: (q: Quarantined) => void;
  /** the index of unfinished requests was missing and was rebuilt from the records */
  indexRebuilt?: (r: { records: number; unfinished: number }) => void;
  /** a part of a request's targets or outcomes could not be read: the request reads as absent */
  requestPartMissing?: (r: { requestId: string }) => void;
  /** the store started refusing writes (a short reason), or accepts them again (undefined) */
  healthChanged?: (problem: string | undefined) => void;
}

/** What a back-end provides. */
export interface StoreParts {
  records: ListableStorage;
  audit: AuditSink;
  csvLinkKey: Buffer;
  deliveries: DeliveryLedger;
  /** the back-end's create-if-absent; default: serialised in this process (the file store) */
  createIfAbsent?: CreateIfAbsent;
}

/** The same on either back-end: writes go through the health guard, and the probes start. */
export async function assembleStores(
  events: StoreEvents,
  health: StoreHealth,
  parts: StoreParts,
): Promise<Stores> {
  const storage = new GuardedStorage(parts.records, health);
  const store = await new RequestStore(storage, {
    onIndexRebuilt: events.indexRebuilt,
    onPartMissing: events.requestPartMissing,
  }).init();
  const followUps = await new FollowUpStore(storage).init();
  const audit = await new GuardedAudit(parts.audit, health).init();
  const create = parts.createIfAbsent;
  const alerts = new AlertStore(
    storage,
    create ? (key, item) => health.guard(() => create(key, item)) : processLocalCreate(storage),
  );
  health.start();
  return {
    storage,
    store,
    alerts,
    followUps,
    audit,
    csvLinkKey: parts.csvLinkKey,
    tallies: new RefusalTallies(storage),
    deliveries: parts.deliveries,
    health,
    close: () => closeAll(storage, audit, health),
  };
}

export function newHealth(events: StoreEvents, probe: () => Promise<void>): StoreHealth {
  return new StoreHealth({
    probe,
    probeMs: PROBE_MS,
    healthyProbeMs: HEALTHY_PROBE_MS,
    onChange: events.healthChanged,
  });
}

async function closeAll(
  storage: { flush(): Promise<void> },
  audit: AuditSink,
  health: StoreHealth,
): Promise<void> {
  health.stop();
  await storage.flush();
  await audit.flush();
}
