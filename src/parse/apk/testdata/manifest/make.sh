#!/usr/bin/env bash
# Rebuild the APKs in this folder from app/ (manifest + res/values strings) with Debian's real
# aapt and aapt2, then align and sign them with scripts/test-keys/spycheck-test.p12.
# Debian ships no android.jar, so framework/ is a tiny stand-in "android" package (built with
# `aapt package -x`, package id 0x01) that gives the android: attributes their real ids.
# Needs: aapt, aapt2, zipalign, apksigner (apt-get install aapt aapt2 zipalign apksigner).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
ks="$root/scripts/test-keys/spycheck-test.p12"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

aapt package -f -x -M "$here/framework/AndroidManifest.xml" -S "$here/framework/res" \
  -F "$work/framework.apk"

sign() { # unsigned.apk out.apk
  zipalign -f 4 "$1" "$work/aligned.apk"
  apksigner sign --ks "$ks" --ks-type PKCS12 --ks-pass pass:spycheck-test \
    --key-pass pass:spycheck-test --ks-key-alias spycheck-test --min-sdk-version 24 \
    --in "$work/aligned.apk" --out "$2"
  rm -f "$2.idsig"
}

# aapt2: UTF-16 manifest string pool, UTF-8 resources.arsc pools.
aapt2 compile --dir "$here/app/res" -o "$work/compiled.zip"
aapt2 link -I "$work/framework.apk" --manifest "$here/app/AndroidManifest.xml" \
  -o "$work/aapt2.apk" "$work/compiled.zip"
sign "$work/aapt2.apk" "$here/labelref-aapt2.apk"

# aapt2 with sparse type chunks (the values-de config holds 1 of 22 strings).
# aapt2 writes sparse chunks only for minSdkVersion >= 26, read from the manifest itself.
sed 's/android:minSdkVersion="24"/android:minSdkVersion="26"/' "$here/app/AndroidManifest.xml" \
  >"$work/AndroidManifest.xml"
aapt2 link -I "$work/framework.apk" --manifest "$work/AndroidManifest.xml" --enable-sparse-encoding -o "$work/sparse.apk" "$work/compiled.zip"
sign "$work/sparse.apk" "$here/labelref-sparse.apk"

# Legacy aapt (v1).
aapt package -f -M "$here/app/AndroidManifest.xml" -S "$here/app/res" -I "$work/framework.apk" \
  -F "$work/aapt1.apk"
sign "$work/aapt1.apk" "$here/labelref-aapt1.apk"
