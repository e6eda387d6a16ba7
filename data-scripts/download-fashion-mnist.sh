#!/usr/bin/env bash
# Downloads Fashion-MNIST (Xiao et al. 2017) into data/fashion-mnist and verifies it.
# Needs network access to the dataset's public mirror. On Debian, `apt-get install dataset-fashion-mnist`
# gives the same data under /usr/share/datasets/fashion-mnist and needs no download.
# Checks: the MD5 of each .gz as published by the dataset authors, and the SHA-256 of the uncompressed
# idx bytes (recorded from Debian's package; robust to re-compression, which changes the .gz bytes).
set -euo pipefail
dest="${1:-data/fashion-mnist}"
base="${FASHION_MNIST_URL:-http://fashion-mnist.s3-website.eu-central-1.amazonaws.com}"
mkdir -p "$dest"
declare -A md5=(
  [train-images-idx3-ubyte]=8d4fb7e6c68d591d4c3dfef9ec88bf0d
  [train-labels-idx1-ubyte]=25c81989df183df01b3e8a0aad5dffbe
  [t10k-images-idx3-ubyte]=bef4ecab320f06d8554ea6380940ec79
  [t10k-labels-idx1-ubyte]=bb300cfdad3c16e7a12a480ee83cd310
)
declare -A sha256=(
  [train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)
for name in "${!sha256[@]}"; do
  gz="$dest/$name.gz"
  if [ ! -f "$gz" ]; then
    echo "downloading $name.gz"
    curl -fL --retry 3 -o "$gz.part" "$base/$name.gz"
    mv "$gz.part" "$gz"
  fi
  got_md5=$(md5sum "$gz" | cut -d' ' -f1)
  got_sha=$(gzip -dc "$gz" | sha256sum | cut -d' ' -f1)
  if [ "$got_sha" != "${sha256[$name]}" ]; then
    echo "checksum mismatch for $gz: sha256 of the idx data is $got_sha, expected ${sha256[$name]}; delete it and retry" >&2
    exit 1
  fi
  [ "$got_md5" = "${md5[$name]}" ] || echo "note: $gz was re-compressed (md5 $got_md5 differs from the published one) but its data is verified"
done
echo "Fashion-MNIST verified in $dest. Use it with FASHION_MNIST_DIR=$dest (or loadFashionMnist(split, '$dest'))."
