import type { Config } from './config';

/**
 * Settings that are valid but risky where the bot runs, logged as warnings at start-up. Pure.
 * App Service sets WEBSITE_INSTANCE_ID, so it marks a production deployment.
 */
export function startupWarnings(config: Pick<Config, 'protectedUserIds'>, env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  if (env.WEBSITE_INSTANCE_ID && config.protectedUserIds.length === 0) {
    warnings.push(
      'PROTECTED_USER_IDS is empty: no account is protected, so the bot can sign out and block your break-glass accounts. Set their object ids in PROTECTED_USER_IDS.',
    );
  }
  return warnings;
}
