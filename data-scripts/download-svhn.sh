#!/usr/bin/env bash
# Downloads SVHN format 2 (cropped 32x32 digits, Netzer et al. 2011): train_32x32.mat, test_32x32.mat
# and, with --extra, extra_32x32.mat (1.3 GB), and verifies the MD5s published in torchvision's SVHN
# dataset class. Usage: download-svhn.sh [--extra] [dest]
# Default dest: ${UNLEARN_DATA_HOME:-~/.cache/unlearn-lab/data}/svhn (where loadSvhn looks; or set SVHN_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/checksum-lib.sh"
splits=(train test)
if [ "${1:-}" = "--extra" ]; then splits+=(extra); shift; fi
dest="${1:-$(data_home)/svhn}"
base="${SVHN_URL:-http://ufldl.stanford.edu/housenumbers}"
declare -A md5=(
  [train]=e26dedcc434d2e4c54c9b2d4a06d8373
  [test]=eb5a983be6a315427106f1b164d9cef3
  [extra]=a93ce644f1a588dc4d68dda5feec44a7
)
mkdir -p "$dest"
for s in "${splits[@]}"; do
  fetch "$base/${s}_32x32.mat" "$dest/${s}_32x32.mat"
  check_md5 "$dest/${s}_32x32.mat" "${md5[$s]}"
done
echo "SVHN ready in $dest. Use loadSvhn(split, { dir: '$dest' }) or SVHN_DIR=$dest."
