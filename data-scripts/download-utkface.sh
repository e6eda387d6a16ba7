#!/usr/bin/env bash
# Installs UTKFace "Aligned & Cropped Faces" (Zhang et al. 2017): 23,708 JPEGs named
# [age]_[gender]_[race]_[date&time].jpg.chip.jpg. The authors distribute UTKFace.tar.gz through a
# Google Drive folder linked from https://susanqq.github.io/UTKFace/ (non-commercial research only),
# which has no stable direct URL: download it in a browser and pass the file, or pass a mirror URL.
# No checksum is published: the first run records the archive's sha256, later runs verify it.
# Usage: download-utkface.sh <UTKFace.tar.gz | URL> [dest]
# Default dest: ${UNLEARN_DATA_HOME:-~/.cache/unlearn-lab/data}/utkface (where loadUtkface looks; or set UTKFACE_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/checksum-lib.sh"
src="${1:-${UTKFACE_ARCHIVE:-}}"
[ -n "$src" ] || { echo "usage: $0 <UTKFace.tar.gz | URL> [dest]  (get UTKFace.tar.gz from https://susanqq.github.io/UTKFace/)" >&2; exit 2; }
dest="${2:-$(data_home)/utkface}"
mkdir -p "$dest"
archive="$dest/UTKFace.tar.gz"
case "$src" in
  http://*|https://*) fetch "$src" "$archive" ;;
  *) [ -f "$archive" ] || cp "$src" "$archive" ;;
esac
check_or_record_sha256 "$archive"
tar -xzf "$archive" -C "$dest"
n=$(find "$dest/UTKFace" -name '*.jpg' | wc -l)
# The published aligned & cropped set has 23,708 images; fewer means a half-unpacked or partial archive.
[ "$n" = 23708 ] || { echo "$dest/UTKFace holds $n JPEGs, expected 23708 (the published aligned & cropped set); the archive is incomplete or another one. Delete $archive, $archive.sha256 and $dest/UTKFace and retry." >&2; exit 1; }
echo "UTKFace: $n images in $dest/UTKFace."
echo "A few published file names are malformed (e.g. a missing race field); loadUtkface lists them and skips them with { skipMalformed: true }."
echo "Use loadUtkface(split, { dir: '$dest' }) or UTKFACE_DIR=$dest."
