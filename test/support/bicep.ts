/**
 * Just enough of a reader for infra/azure.bicep to check what the deployment sets: its parameters and
 * the Web App's app settings (the `properties` of the `Microsoft.Web/sites/config` resource named
 * `appsettings`), each setting with its value expression.
 */
export interface BicepTemplate {
  params: Set<string>;
  /** app setting name → its value expression, comment removed */
  appSettings: Map<string, string>;
}

export function readBicep(text: string): BicepTemplate {
  const params = new Set([...text.matchAll(/^param (\w+) /gm)].map((m) => m[1]));
  const resource =
    /^resource \w+ 'Microsoft\.Web\/sites\/config@[^']+' = \{\n(?:(?!^\}).*\n)*?\s+name: 'appsettings'\n/m.exec(
      text,
    );
  if (!resource)
    throw new Error('infra/azure.bicep has no Microsoft.Web/sites/config resource named appsettings');
  const start = text.indexOf('properties: {', resource.index);
  const appSettings = new Map<string, string>();
  let depth = 0;
  for (const line of text.slice(start).split('\n')) {
    const code = line.replace(/\s\/\/.*$/, '');
    const m = depth === 1 ? /^\s*([A-Za-z_][A-Za-z0-9_]*):\s*(.+?)\s*$/.exec(code) : null;
    if (m) appSettings.set(m[1], m[2]);
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    if (depth === 0) break;
  }
  return { params, appSettings };
}
