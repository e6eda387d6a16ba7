#!/usr/bin/env bash
# Downloads CINIC-10 (Darlow et al. 2018) from the University of Edinburgh DataShare and unpacks
# {train,valid,test}/{class}/*.png into dest. CINIC-10 publishes no checksum: the first run records
# the archive's sha256 (CINIC-10.tar.gz.sha256), later runs verify against it; the script also checks
# that every split holds 90,000 PNGs (9,000 per class). Usage: download-cinic10.sh [dest]
# Default dest: ${UNLEARN_DATA_HOME:-~/.cache/unlearn-lab/data}/cinic10 (where loadCinic10 looks; or set CINIC10_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/checksum-lib.sh"
dest="${1:-$(data_home)/cinic10}"
url="${CINIC10_URL:-https://datashare.ed.ac.uk/bitstream/handle/10283/3192/CINIC-10.tar.gz}"
mkdir -p "$dest"
archive="$dest/CINIC-10.tar.gz"
fetch "$url" "$archive"
check_or_record_sha256 "$archive"
tar -xzf "$archive" -C "$dest"
for s in train valid test; do
  n=$(find "$dest/$s" -name '*.png' | wc -l)
  [ "$n" = 90000 ] || { echo "$dest/$s holds $n PNGs, expected 90000; the archive is incomplete. Delete it and retry." >&2; exit 1; }
done
echo "CINIC-10 ready in $dest. Use loadCinic10(split, { dir: '$dest' }) or CINIC10_DIR=$dest."
