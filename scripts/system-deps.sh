#!/usr/bin/env bash
# Debian packages the product needs beyond Python.
#   required: Pango for WeasyPrint, Liberation Serif 2 (a metric twin of Times New Roman; version 1
#             lacks ư and ơ) and DejaVu.
#   for tests: poppler-utils (page images, pdfsig), softhsm2 (a software PKCS#11 token for the token
#              signing tests) and Debian's chromium, which Playwright drives for the browser tests (it
#              never downloads a browser of its own; those tests skip without it).
# Installs what is missing when run as root with apt-get; otherwise names what to install.
set -euo pipefail
required=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-liberation2 fonts-dejavu-core)
for_tests=(poppler-utils chromium softhsm2)
[ "${1:-run}" = test ] && wanted=("${required[@]}" "${for_tests[@]}") || wanted=("${required[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing Debian packages: sudo apt-get install ${missing[*]}" >&2
for p in "${missing[@]}"; do
  for r in "${required[@]}"; do [ "$p" = "$r" ] && exit 1; done
done
echo "(only the tests need them; the browser tests will be skipped)" >&2
