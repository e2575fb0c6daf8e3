import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import type { SignoutRequest } from '../../src/domain/types';
import { AuditLog } from '../../src/store/auditLog';
import { type AuditEntry } from '../../src/domain/audit';
import { BlobAuditLog } from '../../src/store/blobAuditLog';
import { FileStorage } from '../../src/store/fileStorage';
import { RequestStore } from '../../src/store/requestStore';
import type { Sandbox } from './sandbox';

/**
 * Issue 10's invariant, checked after every bulk job of the integration tests: each user revoked at
 * most once by the job, and exactly one audit outcome line per user with an outcome (none for a user
 * without one, e.g. not started before a cancel).
 */

const OUTCOME_EVENTS = new Set(['revoked', 'failed', 'unblocked']);

/** Where the sandbox's bot keeps requests and the audit log: DATA_DIR, or its blob container. */
function storesOf(sb: Sandbox): { requests: Storage; audit: { readAll(): Promise<AuditEntry[]> } } {
  if (sb.env.STORAGE_BACKEND === 'blob') {
    const connection = sb.env.AZURE_STORAGE_CONNECTION_STRING;
    const container = sb.env.AZURE_STORAGE_CONTAINER_NAME ?? 'signout-requests';
    return {
      requests: new BlobsStorage(connection, container),
      audit: new BlobAuditLog(new ContainerClient(connection, container)),
    };
  }
  return {
    // read only: init() would tidy the folder under the running bot
    requests: new FileStorage(path.join(sb.dataDir, 'requests')),
    audit: new AuditLog(path.join(sb.dataDir, 'audit.jsonl')),
  };
}

/** A request as the bot stored it. */
export async function storedRequest(sb: Sandbox, requestId: string): Promise<SignoutRequest | undefined> {
  // read as the bot reads it: long lists are kept in parts beside the record
  return new RequestStore(storesOf(sb).requests).get(requestId);
}

/** The bot's audit log, parsed. */
export async function auditLogOf(sb: Sandbox): Promise<AuditEntry[]> {
  return storesOf(sb).audit.readAll();
}

/**
 * Checks a job that has ended: `before` is the Graph stand-in's revokeCounts() from before it started (default:
 * none).
 * Returns the stored request and its audit outcome lines for further checks.
 */
export async function expectJobInvariants(
  sb: Sandbox,
  requestId: string,
  before: Map<string, number> = new Map(),
): Promise<{ request: SignoutRequest; outcomeLines: AuditEntry[] }> {
  const request = await storedRequest(sb, requestId);
  if (!request) throw new Error(`no stored request ${requestId}`);
  const targets = request.targets.map((t) => t.id);

  const revokedTwice = targets
    .map((id) => ({ id, revokes: sb.graph.revokeCount(id) - (before.get(id.toLowerCase()) ?? 0) }))
    .filter((r) => r.revokes > 1);
  expect(revokedTwice).toEqual([]);

  const outcomeUsers = request.outcomes.map((o) => o.userId);
  expect(outcomeUsers.filter((id, i) => outcomeUsers.indexOf(id) !== i)).toEqual([]);
  expect(outcomeUsers.filter((id) => !targets.includes(id))).toEqual([]);

  const lines = (await auditLogOf(sb)).filter((e) => e.requestId === requestId);
  const outcomeLines = lines.filter((e) => OUTCOME_EVENTS.has(e.event) && e.targets?.length);
  const linesPerUser = new Map<string, number>();
  for (const line of outcomeLines) {
    for (const t of line.targets!) linesPerUser.set(t.id, (linesPerUser.get(t.id) ?? 0) + 1);
  }
  const wrongCounts = targets
    .map((id) => ({ id, lines: linesPerUser.get(id) ?? 0, expected: outcomeUsers.includes(id) ? 1 : 0 }))
    .filter((c) => c.lines !== c.expected);
  expect(wrongCounts).toEqual([]);
  for (const line of outcomeLines) {
    const outcome = request.outcomes.find((o) => o.userId === line.targets![0].id);
    expect(line.outcome).toBe(outcome?.kind);
  }
  const blockLines = lines.filter((e) => e.event === 'blocked').map((e) => e.targets?.[0]?.id);
  expect(blockLines.filter((id, i) => blockLines.indexOf(id) !== i)).toEqual([]);
  const blockedOutcomes = request.outcomes.filter((o) => o.blocked).map((o) => o.userId);
  expect([...blockLines].sort()).toEqual([...blockedOutcomes].sort());
  return { request, outcomeLines };
}
