/**
 * Importer for Echap's stalkerware-indicators (CC BY 4.0): ioc.yaml +
 * watchware.yaml + samples.csv → one rule per product. Exact ids only:
 * some upstream package names are very generic (com.fone, com.smart), so
 * prefixes would flag innocent apps. Package names seen only in samples.csv
 * join their sample's product, matched only on apps that did not come with
 * the phone: samples often borrow system-looking names (com.android.system).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RULE_PACK_SCHEMA } from '../schema.js';
import {
  type GeneratedPack,
  parseCsv,
  plain,
  SAFE_NEXT_STEPS,
  SCHEMA_COMMENT,
  slug,
  sortedUnique,
  yamlDoc,
} from './common.js';

export const ECHAP_REVISION = 'a04c5c1958bff93fec3b1b56edbb412b209f2a38';
export const ECHAP_URL = 'https://github.com/AssoEchap/stalkerware-indicators';
/** The pack's own version (what spycheck made of the data); the upstream revision follows the "+". */
export const PACK_VERSION = '1.1.0';

interface Entry {
  name: string;
  names: string[];
  type: 'stalkerware' | 'watchware';
  packages: string[];
  certificates: string[];
  organizations: string[];
  iosBundles: string[];
  hashes: string[];
  /** package names of this product's samples that ioc.yaml and watchware.yaml lack */
  samplePackages: string[];
  skippedRegex: number;
}

const APP_ID = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;
const SHA1 = /^[0-9A-Fa-f]{40}$/;
const SHA256 = /^[0-9A-Fa-f]{64}$/;

function strings(v: unknown): string[] {
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string').map((x) => x.trim())
    : [];
}

export interface ImportOptions {
  /** pack date (YYYY-MM-DD); defaults to the upstream revision's date */
  date?: string;
  revision?: string;
}

export async function importStalkerwareIndicators(
  sourceDir: string,
  opts: ImportOptions = {},
): Promise<GeneratedPack> {
  const warnings: string[] = [];
  const stats: Record<string, number> = {
    entries: 0,
    products: 0,
    rules: 0,
    packages: 0,
    certificates: 0,
    sampleHashes: 0,
    samplePackages: 0,
    sampleOnlyCertificates: 0,
    iosBundles: 0,
    watchwarePackages: 0,
    watchwareCertificates: 0,
    certificateOrganizations: 0,
    skippedNoIndicators: 0,
    skippedCnameRegex: 0,
    invalid: 0,
  };
  const byKey = new Map<string, Entry>();
  const alias = new Map<string, Entry>();
  const iocPackages = new Set<string>();
  const iocCerts = new Set<string>();
  const wwPackages = new Set<string>();
  const wwCerts = new Set<string>();
  const ios = new Set<string>();

  for (const file of ['ioc.yaml', 'watchware.yaml']) {
    const text = await readFile(join(sourceDir, file), 'utf8');
    const data = parse(text, { maxAliasCount: 100 }) as unknown;
    if (!Array.isArray(data)) throw new Error(`${file}: expected a list of entries`);
    for (const raw of data as Array<Record<string, unknown>>) {
      stats.entries!++;
      const name = typeof raw?.name === 'string' ? raw.name.trim() : '';
      if (!name) {
        warnings.push(`${file}: an entry has no name; skipped`);
        continue;
      }
      const type = raw.type === 'watchware' ? 'watchware' : 'stalkerware';
      const key = `${type}:${slug(name)}`;
      let e = byKey.get(key);
      if (!e) {
        e = {
          name,
          names: [],
          type,
          packages: [],
          certificates: [],
          organizations: [],
          iosBundles: [],
          hashes: [],
          samplePackages: [],
          skippedRegex: 0,
        };
        byKey.set(key, e);
      }
      e.names.push(...strings(raw.names));
      for (const p of strings(raw.packages)) {
        if (!APP_ID.test(p)) {
          warnings.push(`${file}: ${name}: package "${p}" is not a valid id; skipped`);
          stats.invalid!++;
          continue;
        }
        e.packages.push(p);
        (type === 'watchware' ? wwPackages : iocPackages).add(p);
      }
      for (const c of strings(raw.certificates)) {
        if (!SHA1.test(c)) {
          warnings.push(`${file}: ${name}: certificate "${c}" is not a SHA-1; skipped`);
          stats.invalid!++;
          continue;
        }
        e.certificates.push(c.toUpperCase());
        (type === 'watchware' ? wwCerts : iocCerts).add(c.toUpperCase());
      }
      for (const b of strings(raw.ios_bundles)) {
        if (APP_ID.test(b)) {
          e.iosBundles.push(b);
          ios.add(b);
        }
      }
      e.organizations.push(...strings(raw.certificate_organizations).filter((o) => o.length >= 3));
      // Regular expressions are not allowed in rules (unsafe, hard to review); noted in the README.
      e.skippedRegex += strings(raw.certificate_cname_re).length;
    }
  }
  for (const e of byKey.values()) {
    alias.set(e.name.toLowerCase(), e);
    for (const n of e.names) if (!alias.has(n.toLowerCase())) alias.set(n.toLowerCase(), e);
  }

  const csv = parseCsv(await readFile(join(sourceDir, 'samples.csv'), 'utf8'));
  const header = (csv.shift() ?? []).map((h) => h.trim().toLowerCase());
  const col = (n: string) => header.indexOf(n);
  const [iHash, iApp, iPkg, iCert] = [
    col('sha256'),
    col('app'),
    col('package name'),
    col('certificate'),
  ];
  if (iHash < 0 || iApp < 0) throw new Error('samples.csv: expected SHA256 and App columns');
  const allHashes = new Set<string>();
  const samplePackages = new Set<string>();
  const sampleOnlyCerts = new Set<string>();
  for (const row of csv) {
    const hash = row[iHash]?.trim() ?? '';
    const app = row[iApp]?.trim() ?? '';
    const pkg = iPkg < 0 ? '' : (row[iPkg]?.trim() ?? '');
    const cert = iCert < 0 ? '' : (row[iCert]?.trim().toUpperCase() ?? '');
    if (!SHA256.test(hash)) {
      warnings.push(`samples.csv: "${hash.slice(0, 70)}" is not a SHA-256; skipped`);
      stats.invalid!++;
      continue;
    }
    const e = alias.get(app.toLowerCase());
    if (!e) {
      warnings.push(`samples.csv: sample of unknown product "${app}"; skipped`);
      continue;
    }
    e.hashes.push(hash.toUpperCase());
    allHashes.add(hash.toUpperCase());
    if (pkg && !iocPackages.has(pkg) && !wwPackages.has(pkg)) {
      if (APP_ID.test(pkg)) {
        e.samplePackages.push(pkg);
        samplePackages.add(pkg);
      } else {
        warnings.push(
          `samples.csv: ${e.name}: package "${pkg.slice(0, 70)}" is not a valid id; skipped`,
        );
        stats.invalid!++;
      }
    }
    // A signing key seen only in samples may be shared or a test key: not imported, only counted.
    if (SHA1.test(cert) && !iocCerts.has(cert) && !wwCerts.has(cert)) sampleOnlyCerts.add(cert);
  }

  stats.packages = iocPackages.size;
  stats.certificates = iocCerts.size;
  stats.watchwarePackages = wwPackages.size;
  stats.watchwareCertificates = wwCerts.size;
  stats.sampleHashes = allHashes.size;
  stats.samplePackages = samplePackages.size;
  stats.sampleOnlyCertificates = sampleOnlyCerts.size;
  stats.iosBundles = ios.size;
  stats.products = byKey.size;

  const files = new Map<string, string>();
  const revision = opts.revision ?? ECHAP_REVISION;
  const date = opts.date ?? '2026-06-21';
  const skipped: string[] = [];
  const ruleIds: string[] = [];
  const entries = [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    stats.skippedCnameRegex! += e.skippedRegex;
    const rule = toRule(e);
    if (!rule) {
      skipped.push(e.name);
      stats.skippedNoIndicators!++;
      continue;
    }
    stats.certificateOrganizations! += sortedUnique(e.organizations).length;
    ruleIds.push(rule.id as string);
    files.set(
      `rules/${rule.id}.yaml`,
      yamlDoc(rule, [
        `# GENERATED by "spycheck rules import stalkerware-indicators" from ${ECHAP_URL} @ ${revision}.`,
        '# Do not edit: fix the importer or upstream, then regenerate.',
        SCHEMA_COMMENT(3),
      ]),
    );
  }
  stats.rules = ruleIds.length;

  const attribution =
    'Indicators from the Stalkerware Indicators project by Echap (https://echap.eu.org), ' +
    `${ECHAP_URL}, revision ${revision}, licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). ` +
    'Converted to spycheck rules; explanations added by spycheck.';
  const meta = {
    schema: RULE_PACK_SCHEMA,
    id: 'stalkerware-indicators',
    name: 'Known stalkerware and watchware (Echap indicators)',
    version: `${PACK_VERSION}+${revision.slice(0, 7)}`,
    licence: 'CC-BY-4.0',
    date,
    description:
      'Package names, signing certificates and APK hashes of known stalkerware and watchware apps.',
    sources: [
      {
        name: 'Echap stalkerware-indicators',
        url: ECHAP_URL,
        revision,
        licence: 'CC-BY-4.0',
        attribution,
      },
    ],
    generated: {
      by: 'spycheck rules import',
      command: 'spycheck rules import stalkerware-indicators SOURCE',
    },
  };
  files.set(
    'pack.yaml',
    yamlDoc(meta, [
      '# GENERATED by "spycheck rules import stalkerware-indicators". Do not edit.',
      '# yaml-language-server: $schema=../../schema/pack.schema.json',
    ]),
  );
  files.set('README.md', readme(stats, revision, attribution, skipped));
  return { files, stats, warnings };
}

function productNames(e: Entry): string {
  const others = sortedUnique(e.names.filter((n) => n.toLowerCase() !== e.name.toLowerCase()));
  const safe = others.map((n) => plain(n, 40)).slice(0, 12);
  return safe.length ? `${plain(e.name, 60)} (also sold as ${safe.join(', ')})` : plain(e.name, 60);
}

function toRule(e: Entry): Record<string, unknown> | undefined {
  const packages = sortedUnique(e.packages);
  const samplePackages = sortedUnique(e.samplePackages);
  const certs = sortedUnique(e.certificates);
  const orgs = sortedUnique(e.organizations);
  const hashes = sortedUnique(e.hashes);
  const bundles = sortedUnique(e.iosBundles);
  const any: Array<Record<string, string[] | boolean>> = [];
  if (packages.length) any.push({ package: packages });
  // Seen only in samples: never a system app (a real system app may share a borrowed name).
  if (samplePackages.length) any.push({ package: samplePackages, system: false });
  if (certs.length) any.push({ cert_sha1: certs });
  if (orgs.length) any.push({ cert_organization: orgs });
  if (hashes.length) any.push({ apk_sha256: hashes });
  if (bundles.length) any.push({ ios_bundle: bundles });
  if (!any.length) return undefined;
  const stalker = e.type === 'stalkerware';
  const id = `${stalker ? 'stalkerware' : 'watchware'}.${slug(e.name)}`;
  const names = productNames(e);
  const first: Record<string, unknown> = packages.length
    ? { app: { id: packages[0] } }
    : samplePackages.length
      ? { app: { id: samplePackages[0], installer: 'sideloaded' } }
      : certs.length
        ? { app: { id: 'org.example.renamed', installer: 'sideloaded', cert_sha1: certs[0] } }
        : orgs.length
          ? {
              app: {
                id: 'org.example.renamed',
                installer: 'sideloaded',
                cert_organization: orgs[0],
              },
            }
          : hashes.length
            ? { app: { id: 'org.example.renamed', installer: 'sideloaded', apk_sha256: hashes[0] } }
            : { ios_app: { id: bundles[0] } };
  return {
    id,
    title: stalker
      ? `Known stalkerware: ${plain(e.name, 60)}`
      : `Monitoring app: ${plain(e.name, 60)}`,
    category: stalker ? 'stalkerware' : 'watchware',
    severity: stalker ? 'high' : 'medium',
    platforms: bundles.length
      ? packages.length || samplePackages.length || certs.length
        ? ['android', 'ios']
        : ['ios']
      : ['android'],
    match: any.length === 1 ? any[0] : { any },
    explanation: stalker
      ? {
          what: `This looks like ${names}. It is stalkerware: an app made to spy on a phone in secret.`,
          risk: 'The person who installed it may be able to read your messages, see where you are, see your photos and listen to calls, without you knowing.',
          next_steps: SAFE_NEXT_STEPS,
        }
      : {
          what: `This looks like ${names}. It is a monitoring app, sold to watch a child or a work phone. It can also be used to watch a partner.`,
          risk: 'Someone with the parent or admin account may be able to see where you are and what you do on this phone.',
          next_steps: `Check whether you or someone you trust installed it, and why. If not, ${SAFE_NEXT_STEPS.charAt(0).toLowerCase()}${SAFE_NEXT_STEPS.slice(1)}`,
        },
    falsepositives: stalker
      ? ['Very unlikely: these ids and certificates belong to this product.']
      : ['Installed on purpose by the phone owner, for a child or for work.'],
    references: [ECHAP_URL],
    tests: {
      match: [
        first,
        ...(packages.length && samplePackages.length
          ? [{ app: { id: samplePackages[0], installer: 'sideloaded' } }]
          : []),
      ],
      no_match: [
        { app: { id: 'org.example.clean' } },
        ...(samplePackages.length
          ? [{ app: { id: samplePackages[0], system: true, installer: 'preinstalled' } }]
          : []),
      ],
    },
  };
}

function readme(
  stats: Record<string, number>,
  revision: string,
  attribution: string,
  skipped: string[],
): string {
  return `<!-- GENERATED by "spycheck rules import stalkerware-indicators". Do not edit. -->
# Known stalkerware and watchware (Echap indicators)

${attribution}

Licence of the indicator data: CC BY 4.0 — see ${ECHAP_URL}/blob/${revision}/LICENSE.txt.
You may share and adapt it, as long as you keep this attribution.

## What is in this pack

| | count |
|---|---|
| products (rules) | ${stats.rules} |
| stalkerware package names | ${stats.packages} |
| stalkerware signing certificates (SHA-1) | ${stats.certificates} |
| watchware package names | ${stats.watchwarePackages} |
| watchware signing certificates (SHA-1) | ${stats.watchwareCertificates} |
| APK sample hashes (SHA-256) | ${stats.sampleHashes} |
| package names seen only in samples | ${stats.samplePackages} |
| iOS bundle ids | ${stats.iosBundles} |
| certificate organisations | ${stats.certificateOrganizations} |

One rule per product: \`stalkerware.<name>\` (severity high) or \`watchware.<name>\`
(severity medium). Package names are matched exactly, never as prefixes, because
some upstream names are very generic.

Package names that appear only in samples.csv (not in ioc.yaml or watchware.yaml)
are added to the rule of their sample's product, under \`system: false\`: spyware
samples often borrow system-looking names (\`com.android.system\`), and a real app
that came with the phone must not be flagged for sharing one.

Family, safety and anti-theft apps that this list names are also described by
spycheck's hand-written packs (\`dual_use: true\`); for those apps the hand-written
words and the phone's own facts decide the finding (see rules/README.md).

## Not imported

- Websites, C2 domains and IP addresses: spycheck does not read network data.
- Certificate common-name regular expressions (${stats.skippedCnameRegex}): spycheck rules do not
  allow regular expressions.
- Signing certificates that appear only in samples.csv (${stats.sampleOnlyCertificates}): only the sample
  hashes are used, so a shared or test signing key cannot flag innocent apps.
- Products with no on-phone indicator (${skipped.length}): ${skipped.join(', ') || 'none'}.

## Regenerate

\`\`\`
spycheck rules import stalkerware-indicators path/to/stalkerware-indicators --out rules/stalkerware-indicators
spycheck rules test rules/stalkerware-indicators
\`\`\`
`;
}
