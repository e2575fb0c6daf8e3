import type { ConnectorClient, ConnectorFactory } from 'botframework-connector';

/** A call to the Bot Connector that did not answer in time: dropped, never waited for again. */
export class ConnectorTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the Bot Connector did not answer within ${timeoutMs / 1000} s`);
    this.name = 'ConnectorTimeoutError';
  }
}

/** The parts of @azure/core-rest-pipeline's request and policy this file uses. */
interface PipelineRequest {
  abortSignal?: AbortSignal;
}
interface PipelinePolicy {
  name: string;
  sendRequest(
    request: PipelineRequest,
    next: (request: PipelineRequest) => Promise<unknown>,
  ): Promise<unknown>;
}
interface Pipeline {
  addPolicy(policy: PipelinePolicy): void;
  getOrderedPolicies(): { name: string }[];
}

export const CONNECTOR_TIMEOUT_POLICY = 'signoutBotConnectorTimeout';

/**
 * `inner`, whose every ConnectorClient gives up on a call after `timeoutMs`: sends, replies and card
 * updates, retries included. botbuilder has no option for it (its ConnectorFactory replaces the request
 * policies of the options it is given), so a policy is added to each client's @azure/core-client
 * pipeline, where the abort closes the socket too.
 */
export function withConnectorTimeout(inner: ConnectorFactory, timeoutMs: number): ConnectorFactory {
  return {
    async create(serviceUrl, audience) {
      const client = await inner.create(serviceUrl, audience);
      addTimeout(client, timeoutMs);
      return client;
    },
  };
}

function addTimeout(client: ConnectorClient, timeoutMs: number): void {
  // botbuilder-stdlib's ServiceClientContext keeps its core-client ServiceClient in `client`
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline?.addPolicy) {
    throw new Error('the Bot Connector client has no HTTP pipeline to bound: botframework-connector changed');
  }
  if (pipeline.getOrderedPolicies().some((p) => p.name === CONNECTOR_TIMEOUT_POLICY)) return;
  // without a phase, it runs before the retry policy: the bound covers the call with its retries
  pipeline.addPolicy({
    name: CONNECTOR_TIMEOUT_POLICY,
    async sendRequest(request, next) {
      const deadline = AbortSignal.timeout(timeoutMs);
      request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, deadline]) : deadline;
      try {
        return await next(request);
      } catch (err) {
        throw deadline.aborted ? new ConnectorTimeoutError(timeoutMs) : err;
      }
    },
  });
}

/**
 * `work`, or a ConnectorTimeoutError once `timeoutMs` has passed. For proactive posts, whose turn also
 * gets a token before its first HTTP call; the work itself is left to end on its own.
 */
export function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectorTimeoutError(timeoutMs)), timeoutMs);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
