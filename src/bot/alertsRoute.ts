import restify from 'restify';
import { NOT_JSON } from '../alerts/alertBody';
import type { AlertIntake } from '../alerts/alertIntake';
import type { Logger } from '../log';

/** An alert is a few hundred bytes; its description at most 2,000 characters. */
export const MAX_ALERT_BYTES = 64 * 1024;

/**
 * POST /api/alerts (issue 14): JSON only, up to MAX_ALERT_BYTES, read in memory; then AlertIntake checks
 * the token, the caller's rate and the body, in that order, and posts the alert card. Every answer is
 * logged with its reason (never the token).
 */
export function alertsRoute(intake: Pick<AlertIntake, 'receive'>, log: Logger) {
  return (server: restify.Server): void => {
    const bodyReader = restify.plugins.bodyReader({ maxBodySize: MAX_ALERT_BYTES });
    const readBody = (req: restify.Request, res: restify.Response) =>
      new Promise<unknown>((resolve) => bodyReader(req, res, (err?: unknown) => resolve(err)));

    server.post('/api/alerts', async (req, res) => {
      const encoding = req.header('content-encoding', 'identity').trim().toLowerCase();
      if (req.contentType() !== 'application/json' || encoding !== 'identity') {
        res.send(415, { error: 'send the alert as application/json' });
        return;
      }
      if (req.getContentLength() > MAX_ALERT_BYTES) {
        res.send(413, { error: `the body is larger than ${MAX_ALERT_BYTES} bytes` });
        return;
      }
      const readError = await readBody(req, res);
      if (readError) {
        const tooLarge = (readError as { statusCode?: number }).statusCode === 413;
        res.send(tooLarge ? 413 : 400, {
          error: tooLarge ? `the body is larger than ${MAX_ALERT_BYTES} bytes` : 'the body could not be read',
        });
        return;
      }
      let body: unknown = NOT_JSON;
      try {
        body = JSON.parse(typeof req.body === 'string' ? req.body : String(req.body ?? ''));
      } catch {
        // answered after the token check, like any bad body
      }
      const answer = await intake.receive(req.header('authorization') || undefined, body);
      const fields = { status: answer.status, why: answer.note, caller: answer.caller };
      if (answer.status < 300) log.info(fields, 'alert received');
      else log.warn(fields, 'alert refused');
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.header(name, value);
      res.send(answer.status, answer.body);
    });
  };
}
