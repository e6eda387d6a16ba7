# Shared helpers for the download scripts (sourced, not run).
# data_home: where datasets go by default; the loaders look in the same place.
data_home() { echo "${UNLEARN_DATA_HOME:-$HOME/.cache/unlearn-lab/data}"; }

# fetch URL FILE: download to FILE (via FILE.part) unless it exists; curl, else wget.
fetch() {
  local url="$1" out="$2"
  [ -f "$out" ] && return 0
  echo "downloading $url"
  if command -v curl >/dev/null; then curl -fL --retry 3 -o "$out.part" "$url"
  else wget -O "$out.part" "$url"; fi
  mv "$out.part" "$out"
}

# check_md5 FILE MD5: exit with a clear message on mismatch.
check_md5() {
  local got
  got=$(md5sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    echo "checksum mismatch for $1: md5 $got, published $2. Delete the file and run this script again." >&2
    exit 1
  fi
  echo "md5 ok: $1"
}

# check_or_record_sha256 FILE: for archives without a published checksum. The first run records the
# sha256 next to the file (FILE.sha256); later runs verify against it. Compare the recorded value
# with another copy of the dataset if you need provenance.
check_or_record_sha256() {
  local got rec="$1.sha256"
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ -f "$rec" ]; then
    if [ "$got" != "$(cut -d' ' -f1 "$rec")" ]; then
      echo "checksum mismatch for $1: sha256 $got differs from the one recorded at first download ($rec). Delete both and re-download." >&2
      exit 1
    fi
    echo "sha256 ok (matches the value recorded at first download): $1"
  else
    echo "$got  $(basename "$1")" > "$rec"
    echo "note: no published checksum exists for $(basename "$1"); recorded sha256 $got in $rec (later runs verify against it)."
  fi
}
