/**
 * Builds the Teams app package (manifest.json + the two icons, zipped) from appPackage/manifest.json
 * and one environment file, the way the toolkit's teamsApp/zipAppPackage does, so a package can be
 * made and checked without the toolkit (CI, tests, a tenant admin uploading by hand).
 *
 *   node dist/scripts/packageApp.js env/.env.dev appPackage/build/appPackage.dev.zip
 *
 * Every `${{NAME}}` placeholder must resolve to a non-empty value from the env file; only the names
 * in ALLOW_EMPTY may be empty. Anything unresolved fails the build with the list of names.
 */
import * as fs from 'fs';
import * as path from 'path';
import JSZip from 'jszip';

/** Placeholders that may legitimately be empty (production has no name suffix). */
export const ALLOW_EMPTY = new Set(['APP_NAME_SUFFIX']);

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** A fixed timestamp keeps the zip byte-for-byte reproducible. */
const ZIP_DATE = new Date('2020-01-01T00:00:00Z');

export class PackageError extends Error {}

/**
 * Parses a dotenv file with the toolkit's rules: `KEY=value`, optional `export `, `#` comments,
 * values trimmed, one pair of surrounding quotes removed, `\n` expanded inside double quotes.
 */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const m =
      /^\s*(?:export\s+)?([\w.-]+)\s*=\s*('(?:\\'|[^'])*'|"(?:\\"|[^"])*"|`(?:\\`|[^`])*`|[^#\n]*)/.exec(
        line,
      );
    if (!m) continue;
    let value = m[2].trim();
    const quote = value[0];
    if (value.length >= 2 && (quote === '"' || quote === "'" || quote === '`') && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    }
    env[m[1]] = value;
  }
  return env;
}

/** Names of every `${{NAME}}` placeholder in a text, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Replaces the placeholders of a JSON manifest template. Values are JSON-escaped, since every
 * placeholder sits inside a JSON string. Throws a PackageError naming every unresolved variable.
 */
export function renderManifest(
  template: string,
  env: Record<string, string>,
  source = 'the env file',
): unknown {
  const missing = placeholdersIn(template).filter(
    (name) => env[name] === undefined || (env[name] === '' && !ALLOW_EMPTY.has(name)),
  );
  if (missing.length > 0) {
    throw new PackageError(
      `unresolved placeholders in appPackage/manifest.json: ${missing
        .map((n) => `${n} (${env[n] === undefined ? 'not set' : 'empty'})`)
        .join(', ')} — set them in ${source} (provision writes the generated ones)`,
    );
  }
  const rendered = template.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(env[name]).slice(1, -1));
  try {
    return JSON.parse(rendered);
  } catch (e) {
    throw new PackageError(`manifest.json is not valid JSON after substitution: ${(e as Error).message}`);
  }
}

/** The repository root: the nearest folder above `from` that holds appPackage/manifest.json. */
export function findRepoRoot(from = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'appPackage', 'manifest.json'))) return dir;
    if (path.dirname(dir) === dir) throw new PackageError(`no appPackage/manifest.json above ${from}`);
  }
}

export interface BuiltPackage {
  zipPath: string;
  manifest: Record<string, unknown>;
}

/**
 * Reads appPackage/manifest.json, substitutes `${{VAR}}` from `envFile`, and writes `outZip`
 * holding manifest.json and the icons it names. Returns the rendered manifest.
 */
export async function buildAppPackage(
  envFile: string,
  outZip: string,
  appPackageDir = path.join(findRepoRoot(), 'appPackage'),
): Promise<BuiltPackage> {
  if (!fs.existsSync(envFile)) throw new PackageError(`env file not found: ${envFile}`);
  const env = parseEnv(fs.readFileSync(envFile, 'utf8'));
  const template = fs.readFileSync(path.join(appPackageDir, 'manifest.json'), 'utf8');
  const manifest = renderManifest(template, env, envFile) as Record<string, unknown>;

  const icons = (manifest.icons ?? {}) as Record<string, unknown>;
  const iconFiles = ['color', 'outline', 'color32x32']
    .map((k) => icons[k])
    .filter((v): v is string => typeof v === 'string');
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2) + '\n', { date: ZIP_DATE });
  for (const icon of iconFiles) {
    const file = path.resolve(appPackageDir, icon);
    if (path.relative(appPackageDir, file).startsWith('..') || !fs.existsSync(file)) {
      throw new PackageError(`icon "${icon}" named in manifest.json is not a file in ${appPackageDir}`);
    }
    zip.file(icon, fs.readFileSync(file), { date: ZIP_DATE });
  }
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  fs.mkdirSync(path.dirname(path.resolve(outZip)), { recursive: true });
  fs.writeFileSync(outZip, bytes);
  return { zipPath: path.resolve(outZip), manifest };
}

if (require.main === module) {
  const [envFile, outZip] = process.argv.slice(2);
  if (!envFile || !outZip) {
    console.error('usage: node dist/scripts/packageApp.js <env file> <output zip>');
    process.exit(2);
  }
  buildAppPackage(envFile, outZip).then(
    ({ zipPath }) => console.log(`wrote ${zipPath}`),
    (e: Error) => {
      console.error(`packageApp: ${e.message}`);
      process.exit(1);
    },
  );
}
