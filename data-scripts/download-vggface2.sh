#!/usr/bin/env bash
# Installs VGGFace2 (Cao et al. 2018) identity folders (n000002/0001_01.jpg, ...). The dataset is no
# longer offered by its authors' site; obtain vggface2_train.tar.gz (or any tar of the identity
# folders) under its licence and pass the file or a URL. No checksum is published: the first run
# records the archive's sha256, later runs verify it.
# Usage: download-vggface2.sh <vggface2_train.tar.gz | URL> [dest]
# Default dest: ${UNLEARN_DATA_HOME:-~/.cache/unlearn-lab/data}/vggface2 (where loadVggface2 looks; or set VGGFACE2_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/checksum-lib.sh"
src="${1:-${VGGFACE2_ARCHIVE:-}}"
[ -n "$src" ] || { echo "usage: $0 <vggface2_train.tar.gz | URL> [dest]" >&2; exit 2; }
dest="${2:-$(data_home)/vggface2}"
mkdir -p "$dest"
archive="$dest/$(basename "$src")"
case "$src" in
  http://*|https://*) fetch "$src" "$archive" ;;
  *) [ -f "$archive" ] || cp "$src" "$archive" ;;
esac
check_or_record_sha256 "$archive"
tar -xf "$archive" -C "$dest"
ids=$(find "$dest" -maxdepth 3 -type d -name 'n[0-9]*' | wc -l)
[ "$ids" -gt 0 ] || { echo "no identity folders (n000002, ...) found after unpacking $archive" >&2; exit 1; }
# The published splits (Cao et al. 2018, Table 1): train 8,631 identities / 3,141,890 images, test 500 / 169,396.
# A half-unpacked archive has fewer of either; a deliberate subset needs VGGFACE2_ALLOW_SUBSET=1.
imgs=$(find "$dest" -maxdepth 4 -type f -iname '*.jpg' | wc -l)
case "$ids" in
  8631) want=3141890 ;;
  500) want=169396 ;;
  9131) want=3311286 ;;
  *) want= ;;
esac
if [ "${VGGFACE2_ALLOW_SUBSET:-}" != 1 ]; then
  [ -n "$want" ] || { echo "$dest holds $ids identity folders, but the published train set has 8,631 and the test set 500: the archive is incomplete or another one. Delete $archive, $archive.sha256 and the unpacked folders and retry, or set VGGFACE2_ALLOW_SUBSET=1 to keep a subset on purpose." >&2; exit 1; }
  [ "$imgs" = "$want" ] || { echo "$dest holds $imgs images in $ids identity folders, expected $want: the archive is incomplete or another one. Delete $archive, $archive.sha256 and the unpacked folders and retry, or set VGGFACE2_ALLOW_SUBSET=1 to keep a subset on purpose." >&2; exit 1; }
fi
echo "VGGFace2: $ids identity folders under $dest (the training set has 8,631). loadVggface2 finds $dest, $dest/train or $dest/vggface2_train/train."
echo "Use loadVggface2(split, { dir: '$dest' }) or VGGFACE2_DIR=$dest."
