import type { SignoutRequest } from '../../src/domain/types';

/** A minimal pending request for store and state-machine tests; override what the test is about. */
export function aRequest(over: Partial<SignoutRequest> = {}): SignoutRequest {
  return {
    id: 'r1',
    tenantId: 't',
    status: 'pending',
    createdAt: '2026-11-22T12:00:00.000Z',
    expiresAt: '2026-11-22T12:15:00.000Z',
    requester: { id: 'a', name: 'Alex' },
    reason: '',
    targets: [],
    conversation: { reference: {} },
    outcomes: [],
    ...over,
  };
}
