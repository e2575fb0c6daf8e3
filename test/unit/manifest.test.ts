/**
 * The Teams app package and the toolkit project files, checked offline:
 * - appPackage/manifest.json (sample values substituted) and the manifest inside the zip built by
 *   buildAppPackage validate against the committed Teams manifest schema (v1.21);
 * - a broken manifest fails that same validation (so the check is not vacuous);
 * - the icons have Teams' sizes, outline.png is white on transparent, and both match scripts/drawIcons.ts;
 * - teamsapp.yml / teamsapp.local.yml validate against the toolkit's yaml schema (v1.7), reference only
 *   variables that are defined, and the infrastructure sets every variable of the bot's contract.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { parse as parseYaml } from 'yaml';
import {
  buildAppPackage,
  PackageError,
  parseEnv,
  placeholdersIn,
  renderManifest,
} from '../../scripts/packageApp';
import { crc32, drawColorIcon, drawOutlineIcon } from '../../scripts/drawIcons';
import { readBicep } from '../support/bicep';

const ROOT = path.resolve(__dirname, '..', '..');
const at = (...p: string[]) => path.join(ROOT, ...p);
const read = (...p: string[]) => fs.readFileSync(at(...p), 'utf8');
const SCHEMA_DIR = at('test', 'support', 'teamsManifestSchema');
const SAMPLE_ENV = at('test', 'support', 'sample.env');
const MANIFEST_TEMPLATE = read('appPackage', 'manifest.json');
const SAMPLE = parseEnv(fs.readFileSync(SAMPLE_ENV, 'utf8'));

/** DESIGN.md §2: the names every deployment sets (the optional ones with defaults are left out). */
const CONTRACT = [
  'BOT_ID',
  'BOT_PASSWORD',
  'BOT_TENANT_ID',
  'BOT_TYPE',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'ADMIN_GROUP_ID',
  'ADMIN_USER_IDS',
  'SECURITY_CHANNEL_ID',
  'DATA_DIR',
  'CONFIRMATION_TTL_MINUTES',
];
const STORAGE_SETTINGS = [
  'STORAGE_BACKEND',
  'AZURE_STORAGE_CONNECTION_STRING',
  'AZURE_STORAGE_CONTAINER_NAME',
];

// ---------------------------------------------------------------------------------------------
// Schemas

/** Keywords whose meaning changed after draft-04; their absence makes draft-07 validation equivalent. */
function draft04OnlyKeywords(node: unknown, at = '#'): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => draft04OnlyKeywords(n, `${at}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const found: string[] = [];
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof v === 'boolean')
      found.push(`${at}/${k}`);
    if (k === 'id' && typeof v === 'string') found.push(`${at}/id`);
    if (['enum', 'const', 'default', 'examples'].includes(k)) continue;
    found.push(...draft04OnlyKeywords(v, `${at}/${k}`));
  }
  return found;
}

function formatsUsed(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(formatsUsed);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === 'format' && typeof v === 'string' ? [v] : formatsUsed(v),
  );
}

function compile(file: string): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
  // Teams publishes its manifest schema as draft-04, which ajv 8 does not load; it uses no keyword
  // whose meaning differs in draft-07 (checked here), so it is validated as draft-07.
  expect(draft04OnlyKeywords(schema)).toEqual([]);
  const rest = { ...schema };
  delete rest.$schema;
  // strict off: the published schemas trip ajv's strict-mode lints (e.g. untyped additionalProperties).
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const format of formatsUsed(rest)) expect(ajv.formats[format]).toBeDefined();
  return ajv.compile(rest);
}

const validateManifest = compile('MicrosoftTeams.schema.v1.21.json');
const validateTeamsappYml = compile('teamsapp.yaml.schema.v1.7.json');

function schemaErrors(validate: ValidateFunction, data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

// ---------------------------------------------------------------------------------------------
// PNG reading (enough for Teams icons: 8-bit grey, grey+alpha, RGB or RGBA, not interlaced)

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA, 4 bytes a pixel. */
  rgba: Buffer;
}

function readPng(file: string): Png {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length;) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    expect(buf.readUInt32BE(off + 8 + len)).toBe(crc32(buf.subarray(off + 4, off + 8 + len)));
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  if (!ihdr) throw new Error(`${file}: no IHDR`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = ihdr.subarray(8);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (bitDepth !== 8 || !channels || interlace !== 0) {
    throw new Error(`${file}: unsupported PNG (bit depth ${bitDepth}, colour type ${colorType})`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      if (pred === undefined) throw new Error(`${file}: bad filter ${filter}`);
      px[y * stride + x] = (cur + pred) & 0xff;
    }
  }
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = px.subarray(i * channels, (i + 1) * channels);
    const [r, g, b, a] =
      channels === 1
        ? [s[0], s[0], s[0], 255]
        : channels === 2
          ? [s[0], s[0], s[0], s[1]]
          : [s[0], s[1], s[2], s[3] ?? 255];
    rgba.set([r, g, b, a], i * 4);
  }
  return { width, height, bitDepth, colorType, rgba };
}

// ---------------------------------------------------------------------------------------------

type Manifest = {
  [k: string]: unknown;
  id: string;
  manifestVersion: string;
  $schema: string;
  accentColor: string;
  validDomains: string[];
  description: { short: string; full: string };
  developer: Record<string, string>;
  bots: {
    botId: string;
    scopes: string[];
    isNotificationOnly: boolean;
    commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
  }[];
};

const sampleManifest = () => renderManifest(MANIFEST_TEMPLATE, SAMPLE) as Manifest;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-apppkg-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('appPackage/manifest.json', () => {
  it('declares the manifest version whose schema is committed', () => {
    const m = JSON.parse(MANIFEST_TEMPLATE) as Manifest;
    expect(m.manifestVersion).toBe('1.21');
    expect(m.$schema).toBe(
      'https://developer.microsoft.com/json-schemas/teams/v1.21/MicrosoftTeams.schema.json',
    );
  });

  it('is valid against the Teams schema once the placeholders have values', () => {
    expect(schemaErrors(validateManifest, sampleManifest())).toEqual([]);
  });

  it('is not valid with its placeholders left in (the schema check is real)', () => {
    const errors = schemaErrors(validateManifest, JSON.parse(MANIFEST_TEMPLATE));
    expect(errors.join('\n')).toMatch(/^\/id /m);
    expect(errors.join('\n')).toMatch(/^\/bots\/0\/botId /m);
  });

  const mutations: [string, (m: Manifest) => void][] = [
    ['a bot id that is not a GUID', (m) => (m.bots[0].botId = 'sign-out-bot')],
    ['an unknown bot scope', (m) => m.bots[0].scopes.push('everyone')],
    ['an accent colour without #', (m) => (m.accentColor = '283593')],
    ['a short description over 80 characters', (m) => (m.description.short = 'x'.repeat(81))],
    ['no privacy URL', (m) => delete m.developer.privacyUrl],
    ['an unknown top-level property', (m) => (m.webhookUrl = 'https://example.com')],
    ['a second bot', (m) => m.bots.push({ ...m.bots[0] })],
    [
      'more than 10 commands in a list',
      (m) =>
        (m.bots[0].commandLists[0].commands = Array.from({ length: 11 }, (_, i) => ({
          title: `c${i}`,
          description: 'd',
        }))),
    ],
    ['another manifest version', (m) => (m.manifestVersion = '1.22')],
  ];
  it.each(mutations)('fails the schema with %s', (_, mutate) => {
    const m = sampleManifest();
    mutate(m);
    expect(schemaErrors(validateManifest, m)).not.toEqual([]);
  });

  it('is a conversational bot in team, group chat and personal scopes', () => {
    const [bot, ...others] = sampleManifest().bots;
    expect(others).toEqual([]);
    expect(bot.botId).toBe(SAMPLE.BOT_ID);
    expect(bot.scopes).toEqual(expect.arrayContaining(['team', 'groupChat', 'personal']));
    expect(bot.isNotificationOnly).toBe(false);
  });

  it('lists the signout, status, verify, schedule and help commands in every scope of the bot', () => {
    const [bot] = sampleManifest().bots;
    for (const scope of bot.scopes) {
      const titles = bot.commandLists.filter((l) => l.scopes.includes(scope)).flatMap((l) => l.commands);
      expect(titles.map((c) => c.title).sort()).toEqual(['help', 'schedule', 'signout', 'status', 'verify']);
    }
    // Teams shows at most 32 characters of a command title and 128 of its description.
    for (const c of bot.commandLists.flatMap((l) => l.commands)) {
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
  });

  it('lets the bot domain through validDomains and takes the ids from the environment', () => {
    const m = sampleManifest();
    expect(m.validDomains).toContain(SAMPLE.BOT_DOMAIN);
    expect(m.id).toBe(SAMPLE.TEAMS_APP_ID);
    expect((m.name as { short: string }).short).toBe('Sign-out Bot (test)');
  });

  it('uses only placeholders that every environment file defines', () => {
    const names = placeholdersIn(MANIFEST_TEMPLATE);
    expect(names).toEqual(
      expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID', 'APP_NAME_SUFFIX', 'BOT_DOMAIN']),
    );
    for (const file of ['env/.env.dev', 'env/.env.local.sample', 'test/support/sample.env']) {
      const env = parseEnv(read(file));
      expect({ file, missing: names.filter((n) => !(n in env)) }).toEqual({ file, missing: [] });
    }
  });
});

describe('buildAppPackage', () => {
  it('zips the rendered manifest and both icons, and the zipped manifest is valid', async () => {
    const out = path.join(tmp, 'app.zip');
    const { manifest } = await buildAppPackage(SAMPLE_ENV, out);
    const zip = await JSZip.loadAsync(fs.readFileSync(out));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const zipped = JSON.parse(await zip.file('manifest.json')!.async('string')) as Manifest;
    expect(schemaErrors(validateManifest, zipped)).toEqual([]);
    expect(zipped).toEqual(manifest);
    expect(zipped.bots[0].botId).toBe(SAMPLE.BOT_ID);
    expect(zipped.validDomains).toContain(SAMPLE.BOT_DOMAIN);
    for (const icon of ['color.png', 'outline.png']) {
      expect(await zip.file(icon)!.async('nodebuffer')).toEqual(fs.readFileSync(at('appPackage', icon)));
    }
  });

  it('builds the same bytes twice', async () => {
    await buildAppPackage(SAMPLE_ENV, path.join(tmp, 'a.zip'));
    await buildAppPackage(SAMPLE_ENV, path.join(tmp, 'b.zip'));
    expect(fs.readFileSync(path.join(tmp, 'a.zip'))).toEqual(fs.readFileSync(path.join(tmp, 'b.zip')));
  });

  it('refuses a placeholder that is missing or empty, naming it', async () => {
    const env = path.join(tmp, 'incomplete.env');
    fs.writeFileSync(
      env,
      fs
        .readFileSync(SAMPLE_ENV, 'utf8')
        .replace(/^BOT_DOMAIN=.*$/m, '')
        .replace(/^BOT_ID=.*$/m, 'BOT_ID='),
    );
    const build = buildAppPackage(env, path.join(tmp, 'never.zip'));
    await expect(build).rejects.toThrow(PackageError);
    await expect(build).rejects.toThrow(/BOT_ID \(empty\).*BOT_DOMAIN \(not set\)/);
    expect(fs.existsSync(path.join(tmp, 'never.zip'))).toBe(false);
  });

  it('allows an empty APP_NAME_SUFFIX (production has none)', () => {
    const m = renderManifest(MANIFEST_TEMPLATE, { ...SAMPLE, APP_NAME_SUFFIX: '' }) as Manifest;
    expect((m.name as { short: string }).short).toBe('Sign-out Bot');
  });

  it('escapes values for JSON', () => {
    const m = renderManifest(MANIFEST_TEMPLATE, { ...SAMPLE, DEVELOPER_NAME: 'IT "Sec" \\ Ops' }) as Manifest;
    expect(m.developer.name).toBe('IT "Sec" \\ Ops');
  });

  it('reads env files the way the toolkit does', () => {
    expect(
      parseEnv(
        [
          '# comment',
          'A=1',
          'export B = two words ',
          'C=" (dev)"',
          "D='x#y'",
          'E=value # trailing comment',
          'F=',
          'G="a\\nb"',
        ].join('\r\n'),
      ),
    ).toEqual({ A: '1', B: 'two words', C: ' (dev)', D: 'x#y', E: 'value', F: '', G: 'a\nb' });
  });
});

describe('icons', () => {
  const color = readPng(at('appPackage', 'color.png'));
  const outline = readPng(at('appPackage', 'outline.png'));

  it('have the sizes Teams requires: colour 192×192, outline 32×32', () => {
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
  });

  it('outline.png is white on transparent, and not empty', () => {
    let drawn = 0;
    const offending: string[] = [];
    for (let i = 0; i < outline.width * outline.height; i++) {
      const [r, g, b, a] = outline.rgba.subarray(i * 4, i * 4 + 4);
      if (a === 0) continue;
      drawn++;
      if (r !== 255 || g !== 255 || b !== 255)
        offending.push(`(${i % 32},${Math.floor(i / 32)}) rgb ${r},${g},${b}`);
    }
    expect(offending).toEqual([]);
    expect(drawn).toBeGreaterThan(32 * 32 * 0.1);
    expect(drawn).toBeLessThan(32 * 32 * 0.6);
  });

  it('color.png is an opaque full-colour image', () => {
    const colours = new Set<number>();
    let translucent = 0;
    for (let i = 0; i < 192 * 192; i++) {
      if (color.rgba[i * 4 + 3] !== 255) translucent++;
      colours.add(color.rgba.readUInt32BE(i * 4));
    }
    expect(translucent).toBe(0);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('are what scripts/drawIcons.ts draws (regenerate them with it after a change)', () => {
    expect(Buffer.from(drawColorIcon(192)).equals(color.rgba)).toBe(true);
    expect(Buffer.from(drawOutlineIcon(32)).equals(outline.rgba)).toBe(true);
  });
});

describe('toolkit project files', () => {
  type Step = {
    uses: string;
    with?: Record<string, unknown>;
    writeToEnvironmentFile?: Record<string, string>;
  };
  type Project = { provision: Step[]; deploy: Step[]; publish?: Step[] };
  const yml = (file: string) => parseYaml(read(file)) as Project;
  const bicep = read('infra', 'azure.bicep');
  const bicepOutputs = [...bicep.matchAll(/^output (\w+) /gm)].map((m) => m[1]);

  it.each(['teamsapp.yml', 'teamsapp.local.yml'])(
    '%s is valid against the toolkit yaml schema v1.7',
    (file) => {
      expect(schemaErrors(validateTeamsappYml, yml(file))).toEqual([]);
    },
  );

  it('teamsapp.yml provisions the bot app, Azure and the Teams app, then deploys to App Service', () => {
    const p = yml('teamsapp.yml');
    expect(p.provision.map((s) => s.uses)).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'aadApp/update',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    const bot = p.provision[1];
    expect(bot.with).toMatchObject({ signInAudience: 'AzureADMyOrg', generateClientSecret: true });
    expect(bot.writeToEnvironmentFile).toMatchObject({
      clientId: 'BOT_ID',
      clientSecret: 'SECRET_BOT_PASSWORD',
    });
    expect(p.deploy.map((s) => s.uses)).toEqual([
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'azureAppService/zipDeploy',
    ]);
    expect(p.deploy.slice(0, 3).map((s) => s.with?.args)).toEqual(['ci', 'run build', 'prune --omit=dev']);
  });

  it('teamsapp.local.yml registers the bot at the tunnel and writes the whole contract to .localConfigs', () => {
    const p = yml('teamsapp.local.yml');
    const uses = p.provision.map((s) => s.uses);
    expect(uses).toEqual(expect.arrayContaining(['aadApp/create', 'botFramework/create', 'teamsApp/update']));
    expect(p.provision.find((s) => s.uses === 'botFramework/create')?.with?.messagingEndpoint).toBe(
      '${{BOT_ENDPOINT}}/api/messages',
    );
    const envStep = p.deploy.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile');
    expect(envStep?.with?.target).toBe('./.localConfigs');
    expect(Object.keys(envStep?.with?.envs as object)).toEqual(expect.arrayContaining(['PORT', ...CONTRACT]));
  });

  it.each([
    ['teamsapp.yml', 'env/.env.dev', ['infra/azure.parameters.json']],
    ['teamsapp.local.yml', 'env/.env.local.sample', []],
  ])('%s uses only variables that %s defines or a step writes', (file, envFile, alsoRendered) => {
    const project = yml(file);
    const written = new Set<string>([
      ...Object.keys(parseEnv(read(envFile))),
      ...Object.values(project).flatMap((steps) =>
        Array.isArray(steps)
          ? (steps as Step[]).flatMap((s) => Object.values(s.writeToEnvironmentFile ?? {}))
          : [],
      ),
      ...(file === 'teamsapp.yml' ? bicepOutputs : []),
      'TEAMS_APP_TENANT_ID', // written by teamsApp/create
    ]);
    const texts = [read(file), read('appPackage', 'manifest.json'), read('appPackage', 'aad.manifest.json')];
    const used = placeholdersIn([...texts, ...alsoRendered.map((f) => read(f))].join('\n'));
    expect(used.filter((n) => !written.has(n))).toEqual([]);
  });

  it.each(['env/.env.dev', 'env/.env.local.sample'])(
    '%s holds no secrets and names the bot settings',
    (file) => {
      const env = parseEnv(read(file));
      const secrets = Object.entries(env).filter(
        ([k, v]) => v !== '' && (/^SECRET_/.test(k) || /PASSWORD|CLIENT_SECRET|CONNECTION_STRING/.test(k)),
      );
      expect(secrets).toEqual([]);
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([
          'TEAMSFX_ENV',
          'APP_NAME_SUFFIX',
          'ADMIN_GROUP_ID',
          'ADMIN_USER_IDS',
          'SECURITY_CHANNEL_ID',
        ]),
      );
    },
  );

  it('infra/azure.bicep gives the Web App every setting of the contract and the blob store', () => {
    const { appSettings } = readBicep(bicep);
    expect([...appSettings.keys()]).toEqual(expect.arrayContaining([...CONTRACT, ...STORAGE_SETTINGS]));
    expect(appSettings.get('DATA_DIR')).toBe("'/home/data'");
    expect(bicep).toMatch(/linuxFxVersion: 'NODE\|20-lts'/);
    expect(bicep).toMatch(/httpsOnly: true/);
    expect(bicep).toMatch(/minTlsVersion: '1.2'/);
    expect(bicep).toMatch(/alwaysOn: true/);
    expect(bicep).toMatch(/channelName: 'MsTeamsChannel'/);
    expect(bicepOutputs).toEqual(expect.arrayContaining(['BOT_AZURE_APP_SERVICE_RESOURCE_ID', 'BOT_DOMAIN']));
    // No secret leaves the deployment as an output (outputs are written to the committed env file).
    expect(bicep).not.toMatch(/^output \w*(SECRET|PASSWORD|CONNECTION)/m);
  });

  it('infra/azure.parameters.json passes only parameters that azure.bicep declares', () => {
    const declared = new Set([...bicep.matchAll(/^param (\w+) /gm)].map((m) => m[1]));
    const params = Object.keys(
      (JSON.parse(read('infra', 'azure.parameters.json')) as { parameters: object }).parameters,
    );
    expect(params.filter((p) => !declared.has(p))).toEqual([]);
    // Parameters without a default must be passed.
    const required = [...bicep.matchAll(/^param (\w+) \w+\s*$/gm)].map((m) => m[1]);
    expect(required.filter((p) => !params.includes(p))).toEqual([]);
  });
});
