#!/usr/bin/env bash
# Downloads CIFAR-10, binary version (Krizhevsky 2009), into $dest/cifar-10-batches-bin
# (data_batch_1..5.bin, test_batch.bin, batches.meta.txt) and verifies the archive's MD5 as published
# on https://www.cs.toronto.edu/~kriz/cifar.html. Usage: download-cifar10.sh [dest]
# Default dest: ${UNLEARN_DATA_HOME:-~/.cache/unlearn-lab/data}/cifar10 (where loadCifar10 looks; or set CIFAR10_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/checksum-lib.sh"
dest="${1:-$(data_home)/cifar10}"
url="${CIFAR10_URL:-https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz}"
mkdir -p "$dest"
archive="$dest/cifar-10-binary.tar.gz"
fetch "$url" "$archive"
check_md5 "$archive" c32a1d4ab5d03f1284b67883e8d87530
tar -xzf "$archive" -C "$dest"
for f in data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin; do
  size=$(stat -c %s "$dest/cifar-10-batches-bin/$f")
  [ "$size" = 30730000 ] || { echo "$f has $size bytes, expected 30730000 (10000 records of 3073 bytes)" >&2; exit 1; }
done
echo "CIFAR-10 ready in $dest/cifar-10-batches-bin. Use loadCifar10(split, { dir: '$dest' }) or CIFAR10_DIR=$dest."
