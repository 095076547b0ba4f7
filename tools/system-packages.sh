#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real: a PostgreSQL server for the
# records tests, headless Chromium and its driver for the station's browser tests, and
# pdftoppm (poppler-utils) to turn report PDFs into pages. Does nothing when all are there.
set -euo pipefail
packages=(postgresql chromium chromium-driver poppler-utils)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q "${missing[@]}"
