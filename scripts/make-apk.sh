#!/usr/bin/env bash
# make-apk.sh — build a small but REAL signed Android APK for tests and simulated phones.
#
# Usage:
#   scripts/make-apk.sh --package PKG --out FILE [--label TEXT] [--version-code N]
#                       [--version-name X] [--key ALIAS] [--key-alg rsa|ec]
#                       [--dname "CN=…, O=…"] [--scheme v1|v2v3|v1v2v3] [--target-sdk N]
#                       [--rotate-from OLD_ALIAS]
#
#   --package       Android package name written into the binary AndroidManifest.xml
#   --out           where to write the signed APK (parent folder must exist)
#   --label         android:label of the <application> (default: the package name)
#   --version-code  integer android:versionCode (default 1)
#   --version-name  android:versionName (default 1.0)
#   --key           signing key alias; the key lives in scripts/test-keys/<ALIAS>.p12 and is
#                   created on first use, then committed so every APK signed with it carries
#                   the same certificate (default: spycheck-test)
#   --key-alg       only used when the key is created: rsa (2048-bit, default) or ec (P-256).
#                   Aliases ending in "-ec" default to ec.
#   --dname         only used when the key is created: the certificate's distinguished name
#   --scheme        v1      JAR signing only (jarsigner: META-INF/*.SF + *.RSA or *.EC)
#                   v2v3    APK Signature Scheme v2 + v3 only (apksigner, no META-INF signature)
#                   v1v2v3  all three (apksigner; default)
#   --rotate-from   key rotation (v2v3/v1v2v3 only): OLD_ALIAS signs v1/v2, --key signs v3, and
#                   the v3 block carries the OLD -> new proof-of-rotation lineage
#   --target-sdk    android:targetSdkVersion (default 34; 29 for --scheme v1, because Android and
#                   apksigner refuse a v1-only APK that targets SDK 30 or later)
#
# The test keystores are PKCS12 with store and key password "spycheck-test".
# THESE ARE TEST KEYS, PUBLIC ON PURPOSE: never sign anything real with them.
#
# The manifest is real binary XML (AXML) with <uses-sdk minSdkVersion=24>, so apksigner and
# Android tooling can read it; classes.dex and the asset are placeholders (the APK installs
# nowhere, it only has to look and sign like one). Entries get a fixed timestamp so the
# unsigned content is byte-for-byte reproducible.
#
# Needs: bash, node, zip, keytool, jarsigner, apksigner, zipalign (Debian: openjdk-17-jdk-headless,
# apksigner, zipalign, zip). Prints the certificate SHA-1 and SHA-256 at the end.
set -euo pipefail

die() { echo "make-apk.sh: $*" >&2; exit 2; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keys_dir="$script_dir/test-keys"
storepass='spycheck-test'

package='' out='' label='' version_code='1' version_name='1.0'
key='spycheck-test' key_alg='' dname='' scheme='v1v2v3' target_sdk='' rotate_from=''

while [[ $# -gt 0 ]]; do
  case "$1" in
    --package) package="${2-}"; shift 2 ;;
    --out) out="${2-}"; shift 2 ;;
    --label) label="${2-}"; shift 2 ;;
    --version-code) version_code="${2-}"; shift 2 ;;
    --version-name) version_name="${2-}"; shift 2 ;;
    --key) key="${2-}"; shift 2 ;;
    --key-alg) key_alg="${2-}"; shift 2 ;;
    --dname) dname="${2-}"; shift 2 ;;
    --scheme) scheme="${2-}"; shift 2 ;;
    --target-sdk) target_sdk="${2-}"; shift 2 ;;
    --rotate-from) rotate_from="${2-}"; shift 2 ;;
    -h|--help) sed -n '2,38p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

[[ -n "$package" ]] || die '--package is required'
[[ -n "$out" ]] || die '--out is required'
[[ "$package" =~ ^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$ ]] ||
  die "not a valid Android package name: $package"
[[ "$version_code" =~ ^[0-9]{1,10}$ ]] && (( 10#$version_code <= 2147483647 )) ||
  die "--version-code must be an integer 0..2147483647"
[[ "$key" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "--key must be a plain alias: $key"
case "$scheme" in v1|v2v3|v1v2v3) ;; *) die "--scheme must be v1, v2v3 or v1v2v3" ;; esac
[[ -n "$label" ]] || label="$package"
if [[ -n "$rotate_from" ]]; then
  [[ "$scheme" != v1 ]] || die '--rotate-from needs --scheme v2v3 or v1v2v3'
  [[ "$rotate_from" != "$key" ]] || die '--rotate-from must name a different key'
  [[ -f "$keys_dir/$rotate_from.p12" ]] || die "no such key: $keys_dir/$rotate_from.p12"
fi
if [[ -z "$target_sdk" ]]; then
  if [[ "$scheme" == v1 ]]; then target_sdk=29; else target_sdk=34; fi
fi
[[ "$target_sdk" =~ ^[0-9]{1,3}$ ]] || die '--target-sdk must be a small integer'
version_code=$((10#$version_code))
if [[ -z "$key_alg" ]]; then
  if [[ "$key" == *-ec ]]; then key_alg='ec'; else key_alg='rsa'; fi
fi
case "$key_alg" in rsa|ec) ;; *) die "--key-alg must be rsa or ec" ;; esac

for tool in node zip keytool jarsigner apksigner zipalign; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

keystore="$keys_dir/$key.p12"
if [[ ! -f "$keystore" ]]; then
  mkdir -p "$keys_dir"
  [[ -n "$dname" ]] || dname="CN=$key, OU=Mobile Development, O=Spycheck Test Signing, L=Leeds, ST=West Yorkshire, C=GB"
  if [[ "$key_alg" == ec ]]; then
    alg_args=(-keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA)
  else
    alg_args=(-keyalg RSA -keysize 2048 -sigalg SHA256withRSA)
  fi
  keytool -genkeypair -storetype PKCS12 -keystore "$keystore" -storepass "$storepass" \
    -keypass "$storepass" -alias "$key" "${alg_args[@]}" -validity 10000 -dname "$dname" \
    >/dev/null 2>&1 || die "keytool could not create $keystore"
  echo "make-apk.sh: created test key $keystore ($key_alg, $dname)" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/assets"

# Binary AndroidManifest.xml (AXML): string pool, resource-id map for the android: attributes,
# then namespace/element chunks. Layout per AOSP frameworks/base/libs/androidfw ResourceTypes.h.
PKG="$package" LABEL="$label" VCODE="$version_code" VNAME="$version_name" TSDK="$target_sdk" \
  node - "$work/root/AndroidManifest.xml" <<'NODE'
const fs = require('node:fs');
const { PKG, LABEL, VCODE, VNAME, TSDK } = process.env;
const ANDROID_NS = 'http://schemas.android.com/apk/res/android';
// Attribute names with a resource id must come first in the pool, in resource-map order.
const attrIds = [
  ['label', 0x01010001],
  ['minSdkVersion', 0x0101020c],
  ['versionCode', 0x0101021b],
  ['versionName', 0x0101021c],
  ['targetSdkVersion', 0x01010270],
];
const strings = attrIds.map(([n]) => n);
const str = (s) => {
  let i = strings.indexOf(s);
  if (i < 0) i = strings.push(s) - 1;
  return i;
};
for (const s of ['android', ANDROID_NS, 'package', 'manifest', 'uses-sdk', 'application', PKG, VNAME, LABEL]) str(s);

const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const chunk = (type, headerSize, body) =>
  Buffer.concat([u16(type), u16(headerSize), u32(8 + body.length), body]);

function stringPool() {
  const offsets = [];
  const datas = [];
  let off = 0;
  for (const s of strings) {
    const units = Buffer.from(s, 'utf16le');
    const d = Buffer.concat([u16(units.length / 2), units, u16(0)]);
    offsets.push(off);
    datas.push(d);
    off += d.length;
  }
  let data = Buffer.concat(datas);
  if (data.length % 4) data = Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
  const headerSize = 28;
  const stringsStart = headerSize + 4 * strings.length;
  const body = Buffer.concat([
    u32(strings.length), u32(0), u32(0), u32(stringsStart), u32(0),
    ...offsets.map(u32), data,
  ]);
  return chunk(0x0001, headerSize, body);
}
const NONE = 0xffffffff;
const TYPE_STRING = 0x03;
const TYPE_INT_DEC = 0x10;
const node = (lineNo) => Buffer.concat([u32(lineNo), u32(NONE)]);
function attr(ns, name, type, value) {
  const raw = type === TYPE_STRING ? value : NONE;
  return Buffer.concat([u32(ns), u32(name), u32(raw), u16(8), Buffer.from([0, type]), u32(value)]);
}
function start(lineNo, name, attrs) {
  const ext = Buffer.concat([
    u32(NONE), u32(str(name)), u16(20), u16(20), u16(attrs.length), u16(0), u16(0), u16(0),
  ]);
  return chunk(0x0102, 16, Buffer.concat([node(lineNo), ext, ...attrs]));
}
const end = (lineNo, name) => chunk(0x0103, 16, Buffer.concat([node(lineNo), u32(NONE), u32(str(name))]));
const ns = str(ANDROID_NS);
const a = (n) => str(n);
const body = [
  chunk(0x0100, 16, Buffer.concat([node(1), u32(str('android')), u32(ns)])),
  start(1, 'manifest', [
    attr(ns, a('versionCode'), TYPE_INT_DEC, Number(VCODE)),
    attr(ns, a('versionName'), TYPE_STRING, str(VNAME)),
    attr(NONE, a('package'), TYPE_STRING, str(PKG)),
  ]),
  start(2, 'uses-sdk', [
    attr(ns, a('minSdkVersion'), TYPE_INT_DEC, 24),
    attr(ns, a('targetSdkVersion'), TYPE_INT_DEC, Number(TSDK)),
  ]),
  end(2, 'uses-sdk'),
  start(3, 'application', [attr(ns, a('label'), TYPE_STRING, str(LABEL))]),
  end(3, 'application'),
  end(4, 'manifest'),
  chunk(0x0101, 16, Buffer.concat([node(4), u32(str('android')), u32(ns)])),
];
const pool = stringPool();
const resMap = chunk(0x0180, 8, Buffer.concat(attrIds.map(([, id]) => u32(id))));
fs.writeFileSync(process.argv[2], chunk(0x0003, 8, Buffer.concat([pool, resMap, ...body])));
NODE

# A dex header magic followed by zeros: enough to look like code to a file-type sniffer.
printf 'dex\n035\0' >"$work/root/classes.dex"
head -c 104 /dev/zero >>"$work/root/classes.dex"
printf 'spycheck test APK for %s (%s). Not a real app.\n' "$package" "$version_name" \
  >"$work/root/assets/about.txt"
find "$work/root" -exec touch -h -d '2020-01-01 00:00:00 UTC' {} +

(cd "$work/root" && TZ=UTC zip -q -X -D "$work/unsigned.apk" AndroidManifest.xml classes.dex \
  assets/about.txt)

out_dir="$(dirname "$out")"
[[ -d "$out_dir" ]] || die "output folder does not exist: $out_dir"

case "$scheme" in
  v1)
    if [[ "$key_alg" == ec ]]; then v1_alg=(-sigalg SHA256withECDSA); else v1_alg=(-sigalg SHA256withRSA); fi
    jarsigner -keystore "$keystore" -storetype PKCS12 -storepass "$storepass" \
      -keypass "$storepass" -digestalg SHA-256 "${v1_alg[@]}" \
      -signedjar "$work/signed.apk" "$work/unsigned.apk" "$key" >/dev/null 2>&1 ||
      die 'jarsigner failed'
    zipalign -f 4 "$work/signed.apk" "$out"
    ;;
  v2v3|v1v2v3)
    zipalign -f 4 "$work/unsigned.apk" "$work/aligned.apk"
    v1_enabled=false
    [[ "$scheme" == v1v2v3 ]] && v1_enabled=true
    signer_args=(--ks "$keystore" --ks-type PKCS12 --ks-pass "pass:$storepass"
      --key-pass "pass:$storepass" --ks-key-alias "$key")
    if [[ -n "$rotate_from" ]]; then
      old_args=(--ks "$keys_dir/$rotate_from.p12" --ks-type PKCS12 --ks-pass "pass:$storepass"
        --key-pass "pass:$storepass" --ks-key-alias "$rotate_from")
      apksigner rotate --out "$work/lineage.bin" --old-signer "${old_args[@]}" \
        --new-signer "${signer_args[@]}" || die 'apksigner rotate failed'
      signer_args=("${old_args[@]}" --next-signer "${signer_args[@]}" --lineage "$work/lineage.bin")
    fi
    apksigner sign "${signer_args[@]}" --min-sdk-version 24 \
      --v1-signing-enabled "$v1_enabled" --v2-signing-enabled true --v3-signing-enabled true \
      --v4-signing-enabled false --in "$work/aligned.apk" --out "$out" ||
      die 'apksigner failed'
    ;;
esac

echo "make-apk.sh: wrote $out ($package $version_name/$version_code, key $key, scheme $scheme)" >&2
if [[ "$scheme" == v1 ]]; then
  keytool -printcert -jarfile "$out" | grep -E '^\s*(Owner|SHA1|SHA256):' || true
else
  apksigner verify --print-certs "$out" | grep -E 'DN:|SHA-1|SHA-256' || true
fi
