#!/usr/bin/env bash
# Debian packages the product needs beyond Python: Pango for WeasyPrint, a metric twin of Times New
# Roman (Liberation Serif) and DejaVu for PDFs, poppler-utils to look at rendered pages.
# Installs what is missing when run as root with apt-get; otherwise says what to install.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-liberation fonts-dejavu-core poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
