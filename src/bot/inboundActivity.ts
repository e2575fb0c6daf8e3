import { z } from 'zod';

/**
 * The shape of a Bot Framework activity as the bot reads it, checked before botbuilder sees the body:
 * anything else gets a 4xx with a short generic answer, never a 500 with a library's message. Fields
 * the bot does not read pass through unchecked; optional ones may be null, as senders write them.
 */

/** Teams activities nest about six levels; anything far deeper is an attack on recursive code. */
export const MAX_DEPTH = 32;
/** The one channel the bot serves: other channels' clients set `from.aadObjectId` and the tenant themselves. */
export const TEAMS_CHANNEL = 'msteams';

const text = (max: number) => z.string().max(max);
const account = z
  .object({
    id: text(1024).min(1),
    name: text(1024).nullish(),
    aadObjectId: text(128).nullish(),
    role: text(64).nullish(),
  })
  .passthrough();
const record = z.record(z.unknown());
/** The value of a card click (`adaptiveCard/action`): an Action.Execute with a verb. */
const cardAction = z.object({
  action: z.object({ type: text(64), verb: text(256).min(1), data: z.unknown() }).passthrough(),
});

const activitySchema = z
  .object({
    type: text(64).min(1),
    id: text(1024).nullish(),
    name: text(256).nullish(),
    channelId: text(64).min(1),
    serviceUrl: text(2048).refine((u) => /^https?:\/\/[^/\s]+/i.test(u) && URL.canParse(u), 'not a URL'),
    from: account,
    recipient: account,
    conversation: z
      .object({
        id: text(2048).min(1),
        tenantId: text(128).nullish(),
        conversationType: text(64).nullish(),
        isGroup: z.boolean().nullish(),
        name: text(1024).nullish(),
      })
      .passthrough(),
    text: z.string().nullish(),
    // eslint-disable-next-line no-restricted-syntax -- a field the schema reads, not one the bot posts
    textFormat: text(64).nullish(),
    locale: text(64).nullish(),
    timestamp: text(64).nullish(),
    localTimestamp: text(64).nullish(),
    localTimezone: text(128).nullish(),
    replyToId: text(1024).nullish(),
    entities: z.array(record).nullish(),
    attachments: z.array(record).nullish(),
    membersAdded: z.array(account).nullish(),
    membersRemoved: z.array(account).nullish(),
    channelData: record
      .and(
        z.object({
          tenant: z
            .object({ id: text(128).nullish() })
            .passthrough()
            .nullish(),
        }),
      )
      .nullish(),
    value: z.unknown(),
  })
  .passthrough()
  .superRefine((a, ctx) => {
    if (a.type !== 'invoke' || a.name !== 'adaptiveCard/action') return;
    if (!cardAction.safeParse(a.value).success) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['value', 'action'],
        message: 'not an Action.Execute',
      });
    }
  });

export type InboundCheck =
  | { ok: true; activity: Record<string, unknown> }
  | {
      ok: false;
      status: 400 | 403;
      /** short and generic: what the caller gets */
      error: string;
      /** which rule failed, without values from the body: for the log */
      problem: string;
    };

const MALFORMED = 'not a well-formed Bot Framework activity';

/** Parses and checks a request body; the activity is the parsed JSON itself, untouched. */
export function checkInboundActivity(body: string): InboundCheck {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return refuse(400, 'not JSON', 'the body is not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return refuse(400, MALFORMED, 'the body is not a JSON object');
  }
  if (depthExceeds(value, MAX_DEPTH)) {
    return refuse(400, MALFORMED, `the body nests deeper than ${MAX_DEPTH} levels`);
  }
  const parsed = activitySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(400, MALFORMED, `${issue.path.join('.') || 'activity'}: ${issue.message}`);
  }
  if (parsed.data.channelId !== TEAMS_CHANNEL) {
    return refuse(403, 'only Microsoft Teams is served', 'channelId is not msteams');
  }
  return { ok: true, activity: value as Record<string, unknown> };
}

function refuse(status: 400 | 403, error: string, problem: string): InboundCheck {
  return { ok: false, status, error, problem };
}

/** Iterative, so a hostile body cannot overflow the stack of the check itself. */
export function depthExceeds(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
