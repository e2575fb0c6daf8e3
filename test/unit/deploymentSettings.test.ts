import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseEnv, placeholdersIn } from '../../scripts/packageApp';
import { CONFIG_KEYS } from '../../src/config';
import { readBicep } from '../support/bicep';

/**
 * Issue 9, item 4: every setting of the configuration that an operator sets reaches the bot, in Azure
 * (env/.env.dev → infra/azure.parameters.json → infra/azure.bicep app setting) and on a developer's
 * machine (env/.env.local → teamsapp.local.yml → .localConfigs). A new key in src/config.ts's schema
 * fails here until it is wired everywhere, or listed below with the reason it is not.
 */

/**
 * Set by infra/azure.bicep itself, from what provisioning made (the bot's Entra app and its secret, the
 * storage account) or to the only value that suits App Service. App settings, but not lines of
 * env/.env.dev.
 */
const SET_BY_BICEP: Record<string, string> = {
  BOT_ID: "the bot's Entra app, made by aadApp/create",
  BOT_PASSWORD: 'its secret, SECRET_BOT_PASSWORD in env/.env.dev.user',
  BOT_TENANT_ID: "the Entra app's tenant",
  BOT_TYPE: 'SingleTenant, as the Azure Bot resource is',
  AZURE_TENANT_ID: "the Entra app's tenant",
  AZURE_CLIENT_ID: "the bot's Entra app (or the template's graphClientId)",
  AZURE_CLIENT_SECRET: 'its secret',
  DATA_DIR: '/home/data, which persists on App Service',
  STORAGE_BACKEND: 'blob, so that the Web App can scale out',
  AZURE_STORAGE_CONNECTION_STRING: 'the storage account the template creates',
  AZURE_STORAGE_CONTAINER_NAME: 'the container the template creates',
};

/** Deliberately not deployed: not app settings at all. */
const NOT_DEPLOYED: Record<string, string> = {
  PORT: 'App Service tells the app which port to listen on',
  LOCAL_MODE: 'runs without authentication; the bot refuses it on App Service',
  AZURE_CLIENT_CERTIFICATE_PATH: 'the deployment signs in with the client secret aadApp/create makes',
  DELIVERY_CLAIM_SECONDS: 'a timing whose default suits Teams; the integration tests shorten it',
  INSTANCE_ID: 'App Service sets WEBSITE_INSTANCE_ID, which is the default, distinct per instance',
  SWEEP_SECONDS: 'advanced: the default suits every deployment; the tests shorten it',
  JOB_LEASE_SECONDS: 'advanced: the default suits every deployment; the tests shorten it',
  RISKY_USERS_RETRY_SECONDS:
    'advanced: the hourly retry after a 403 suits every deployment; the tests shorten it',
};

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** APPROVAL_POLICY → approvalPolicy: the bicep parameter that carries a setting. */
const paramOf = (key: string) => key.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const bicep = readBicep(read('infra/azure.bicep'));
const parameters = JSON.parse(read('infra/azure.parameters.json')).parameters as Record<
  string,
  { value: unknown }
>;
const devEnv = parseEnv(read('env/.env.dev'));
const localEnv = parseEnv(read('env/.env.local.sample'));
type Step = { uses: string; with?: { target?: string; envs?: Record<string, unknown> } };
const localConfigs =
  (parseYaml(read('teamsapp.local.yml')) as { deploy: Step[] }).deploy.find(
    (s) => s.uses === 'file/createOrUpdateEnvironmentFile' && s.with?.target === './.localConfigs',
  )?.with?.envs ?? {};

const operatorKeys = CONFIG_KEYS.filter((k) => !(k in SET_BY_BICEP) && !(k in NOT_DEPLOYED));

describe('deployment settings', () => {
  it('knows every key of the configuration schema', () => {
    // guards the lists below against a schema export that lost its keys
    expect(CONFIG_KEYS).toEqual(
      expect.arrayContaining(['AZURE_TENANT_ID', 'PROTECTED_USER_IDS', 'CSV_LINK_TTL_HOURS']),
    );
    expect(operatorKeys).toEqual(
      expect.arrayContaining([
        'ADMIN_GROUP_ID',
        'PROTECTED_USER_IDS',
        'APPROVAL_POLICY',
        'APPROVER_GROUP_ID',
        'BULK_APPROVAL_THRESHOLD',
        'PUBLIC_URL',
        'CSV_LINK_TTL_HOURS',
      ]),
    );
  });

  it('gives the Web App an app setting for every key but the ones deliberately left out', () => {
    const missing = CONFIG_KEYS.filter((k) => !(k in NOT_DEPLOYED) && !bicep.appSettings.has(k));
    expect(missing).toEqual([]);
    const deployedAnyway = Object.keys(NOT_DEPLOYED).filter((k) => bicep.appSettings.has(k));
    expect(deployedAnyway).toEqual([]);
  });

  it('carries every setting an operator sets from env/.env.dev through a parameter to its app setting', () => {
    const problems = operatorKeys.flatMap((key) => {
      const param = paramOf(key);
      const found: string[] = [];
      if (!(key in devEnv)) found.push(`${key}: no ${key}= line in env/.env.dev`);
      if (parameters[param]?.value !== `\${{${key}}}`)
        found.push(`${key}: infra/azure.parameters.json has no "${param}": { "value": "\${{${key}}}" }`);
      if (!bicep.params.has(param)) found.push(`${key}: infra/azure.bicep declares no param ${param}`);
      const value = bicep.appSettings.get(key) ?? '';
      if (!new RegExp(`\\b${param}\\b`).test(value))
        found.push(
          `${key}: the app setting ${key} is not made from the param ${param} (it is ${value || 'absent'})`,
        );
      return found;
    });
    expect(problems).toEqual([]);
  });

  it("defaults PUBLIC_URL to the Web App's own https address, so CSV links never point at localhost", () => {
    expect(bicep.appSettings.get('PUBLIC_URL')).toBe(
      "empty(publicUrl) ? 'https://${webApp.properties.defaultHostName}' : publicUrl",
    );
  });

  it('writes every setting an operator sets to .localConfigs, from env/.env.local', () => {
    const missing = operatorKeys.filter((k) => !(k in localConfigs));
    expect(missing).toEqual([]);
    const unset = placeholdersIn(JSON.stringify(localConfigs)).filter(
      (v) => !(v in localEnv) && !v.startsWith('SECRET_'),
    );
    expect(unset).toEqual([]);
  });

  it("bounds the bot's heap on App Service, with room for the largest job", () => {
    // V8 otherwise sizes the heap from the machine's memory and lets garbage pile up under load
    const nodeOptions = /^'([^']*)'$/.exec(bicep.appSettings.get('NODE_OPTIONS') ?? '')?.[1] ?? '';
    const limitMb = Number(/(?:^|\s)--max-old-space-size=(\d+)(?:\s|$)/.exec(nodeOptions)?.[1]);
    // a `signout all` of 100,000 users holds about 150 MB of live objects, and V8 grows a heap this
    // small by 1.3× over what is live: a limit under 195 MB would collect without end, then crash
    expect(limitMb).toBeGreaterThanOrEqual(195);
    // small enough that V8 keeps its small-heap growth (docs/decisions.md, issue 15), and far below B1's 1.75 GB
    expect(limitMb).toBeLessThanOrEqual(512);
    // the young generation, which the old-space limit leaves at up to 16 MB per semi-space, took the
    // 100,000-user job over 300 MB of RSS (docs/performance.md)
    expect(nodeOptions).toMatch(/(?:^|\s)--max-semi-space-size=4(?:\s|$)/);
    // App Service runs `npm start`: a node flag there would override NODE_OPTIONS
    expect(read('infra/azure.bicep')).toMatch(/appCommandLine: 'npm start'/);
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe('node dist/src/index.js');
  });

  it('passes no template parameter whose variable env/.env.dev lacks (provision would stop)', () => {
    const unset = placeholdersIn(read('infra/azure.parameters.json')).filter(
      (v) => !(v in devEnv) && !v.startsWith('SECRET_'),
    );
    expect(unset).toEqual([]);
  });
});
