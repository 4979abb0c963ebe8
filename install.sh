#!/bin/sh
# Installs talosctl (the Deno build) from a GitHub release: picks the binary for this OS and
# architecture, checks it against the release's sha256sum.txt, and only then puts it in place.
#
#   curl -fsSL <raw url of this file> | sh -s -- [--version vX.Y.Z] [--dir DIR]
#
# Options (environment variables in brackets):
#   --version V   release tag to install, or "latest" (default)        [TALOSCTL_VERSION]
#   --dir DIR     where to install; default /usr/local/bin when writable,
#                 else $HOME/.local/bin                                  [TALOSCTL_INSTALL_DIR]
#   --base-url U  releases URL; default https://github.com/$REPO/releases [TALOSCTL_BASE_URL]
#   --repo R      GitHub repository owner/name                          [TALOSCTL_REPO]
#   --resolve     print the tag "latest" (or --version) stands for, install nothing
set -eu

repo=${TALOSCTL_REPO:-talosctl-deno/talosctl}
version=${TALOSCTL_VERSION:-latest}
dir=${TALOSCTL_INSTALL_DIR:-}
base_url=${TALOSCTL_BASE_URL:-}
resolve_only=false

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

usage() {
  sed -n '2,14s/^# \{0,1\}//p' "$0" 2>/dev/null || true
}

while [ $# -gt 0 ]; do
  case $1 in
    --version | --dir | --base-url | --repo)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --version) version=$2 ;;
        --dir) dir=$2 ;;
        --base-url) base_url=$2 ;;
        --repo) repo=$2 ;;
      esac
      shift 2
      ;;
    --version=*) version=${1#*=} && shift ;;
    --dir=*) dir=${1#*=} && shift ;;
    --base-url=*) base_url=${1#*=} && shift ;;
    --repo=*) repo=${1#*=} && shift ;;
    --resolve) resolve_only=true && shift ;;
    -h | --help) usage && exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

base_url=${base_url:-https://github.com/$repo/releases}
base_url=${base_url%/}

# Downloads $1 to file $2; fails on HTTP errors.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

# Prints the URL that $1 redirects to (the tag page behind .../releases/latest).
final_url() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsL -o /dev/null -w '%{url_effective}' "$1"
  else
    # wget -S prints each response's headers; the last Location is where it ended up.
    wget -S --spider "$1" 2>&1 | sed -n 's/^ *[Ll]ocation: *\([^ ]*\).*/\1/p' | tail -n 1 | tr -d '\r'
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    die "no sha256sum, shasum or openssl to verify the download with"
  fi
}

case $(uname -s) in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
  *) die "no talosctl release for $(uname -s)" ;;
esac
case $(uname -m) in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no talosctl release for $(uname -m)" ;;
esac
asset=talosctl-$os-$arch
exe=talosctl
if [ "$os" = windows ]; then
  asset=$asset.exe
  exe=talosctl.exe
fi
case $asset in
  talosctl-linux-amd64 | talosctl-linux-arm64 | talosctl-darwin-amd64 | talosctl-darwin-arm64) ;;
  talosctl-windows-amd64.exe) ;;
  *) die "no talosctl release for $os/$arch" ;;
esac

case $version in
  latest)
    tag=$(final_url "$base_url/latest") || die "cannot reach $base_url/latest"
    tag=${tag%/}
    tag=${tag##*/}
    case $tag in
      "" | latest | releases) die "cannot tell which release $base_url/latest is" ;;
    esac
    ;;
  v*) tag=$version ;;
  [0-9]*) tag=v$version ;;
  *) die "--version $version is not a release tag (vX.Y.Z or latest)" ;;
esac
if [ "$resolve_only" = true ]; then
  printf '%s\n' "$tag"
  exit 0
fi

if [ -z "$dir" ]; then
  if [ -w /usr/local/bin ]; then dir=/usr/local/bin; else dir=${HOME:?}/.local/bin; fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/talosctl-install.XXXXXX")
staged=""
cleanup() {
  rm -rf "$tmp"
  if [ -n "$staged" ]; then rm -f "$staged"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url=$base_url/download/$tag
say "downloading $asset $tag from $url"
fetch "$url/sha256sum.txt" "$tmp/sha256sum.txt" || die "cannot download $url/sha256sum.txt"
fetch "$url/$asset" "$tmp/$asset" || die "cannot download $url/$asset"

# sha256sum.txt lines: "<hex>  <name>" (or "<hex> *<name>" in binary mode).
want=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/sha256sum.txt")
[ -n "$want" ] || die "$url/sha256sum.txt has no checksum for $asset; refusing to install"
got=$(sha256_of "$tmp/$asset")
if [ "$want" != "$got" ]; then
  die "checksum mismatch for $asset $tag: sha256sum.txt says $want, the download is $got; refusing to install"
fi

mkdir -p "$dir" || die "cannot create $dir"
staged=$dir/.$exe.install.$$
cp "$tmp/$asset" "$staged" || die "cannot write to $dir"
chmod 755 "$staged"
mv -f "$staged" "$dir/$exe" || die "cannot install $dir/$exe"
staged=""
say "installed talosctl $tag to $dir/$exe"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "note: $dir is not in PATH" ;;
esac
