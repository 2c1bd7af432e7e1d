#!/usr/bin/env bash
# Install a Vulkan driver that Dawn (the `webgpu` npm package behind DIVE_BACKEND=webgpu) accepts,
# for machines without a GPU driver of their own: Mesa's software rasteriser lavapipe, from the
# Debian release's backports suite (docs/design.md, "Backends").
#
# Debian bookworm's own mesa-vulkan-drivers (22.3) is refused by Dawn ("shaderUniform…
# ArrayDynamicIndexing required"); bookworm-backports has 25.x, which works. The backports suite
# is added to the Debian archive this machine already uses: the script reads the apt sources that
# are configured (deb822 files in /etc/apt/sources.list.d and one-line entries in
# /etc/apt/sources.list) and writes the same archive with the suite <codename>-backports, so no
# mirror host name is written anywhere but the machine's own apt configuration.
#
# Usage (as root): scripts/install-vulkan.sh [--check]
#   --check   report only: exit 0 when a Vulkan ICD and loader are installed, 1 otherwise.
# Exit status 0: a driver is there (already, or installed now); 1: it could not be installed
# (the reason is printed on stderr, one line).
set -euo pipefail

icds() { ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true; }
loader() { ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1 ' >/dev/null; }
# A Mesa driver older than 23 is the one Dawn refuses.
mesa_ok() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -z "$v" ] && return 1
  dpkg --compare-versions "$v" ge 23
}
ready() { loader && [ -n "$(icds)" ] && { ! dpkg-query -W mesa-vulkan-drivers >/dev/null 2>&1 || mesa_ok; }; }

if [ "${1:-}" = "--check" ]; then
  if ready; then echo "vulkan: loader and ICD present ($(icds | tr '\n' ' '))"; exit 0; fi
  echo "vulkan: no usable Vulkan driver (loader $(loader && echo present || echo missing), ICD files: $(icds | wc -l), mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo absent))" >&2
  exit 1
fi
if ready; then echo "vulkan: already installed ($(icds | tr '\n' ' '))"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "vulkan: not root, cannot install mesa-vulkan-drivers from backports; run scripts/install-vulkan.sh as root" >&2; exit 1; fi
. /etc/os-release
codename="${VERSION_CODENAME:-}"
if [ "${ID:-}" != "debian" ] || [ -z "$codename" ]; then echo "vulkan: not a Debian release (${PRETTY_NAME:-unknown}); install a Vulkan driver (Mesa >= 23) with the system's package manager" >&2; exit 1; fi
target="/etc/apt/sources.list.d/${codename}-backports.sources"

# The archive (URIs, components, key) of the first configured source that carries "$codename".
uris="" components="" signed=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && [ "$f" != "$target" ] || continue
  # deb822: stanzas separated by blank lines; the one whose Suites include the codename itself.
  read -r uris components signed < <(awk -v cn="$codename" '
    BEGIN { RS=""; FS="\n" }
    {
      u=""; s=""; c=""; k=""; t=""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^URIs:/) { u=$i; sub(/^URIs:[ \t]*/, "", u) }
        else if ($i ~ /^Suites:/) { s=" " $i " "; sub(/^ Suites:/, " ", s) }
        else if ($i ~ /^Components:/) { c=$i; sub(/^Components:[ \t]*/, "", c) }
        else if ($i ~ /^Signed-By:/) { k=$i; sub(/^Signed-By:[ \t]*/, "", k) }
        else if ($i ~ /^Types:/) { t=$i }
      }
      if (t ~ /deb([ \t]|$)/ && s ~ (" " cn " ") && u != "") { gsub(/ /, ",", c); print u, c, (k == "" ? "-" : k); exit }
    }' "$f" || true)
  [ -n "$uris" ] && break
done
if [ -z "$uris" ] && [ -f /etc/apt/sources.list ]; then
  # One-line format: deb [options] URI SUITE COMPONENT...
  read -r uris components < <(awk -v cn="$codename" '
    $1 == "deb" {
      i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i + 1) == cn) { c = $(i + 2); for (j = i + 3; j <= NF; j++) c = c "," $j; print $i, c; exit }
    }' /etc/apt/sources.list || true)
  signed="-"
fi
if [ -z "$uris" ]; then echo "vulkan: no configured apt source carries the suite '$codename', so there is no archive to take ${codename}-backports from; add one, or install Mesa >= 23's mesa-vulkan-drivers by hand" >&2; exit 1; fi

{
  echo "# Added by divelab's scripts/install-vulkan.sh: the archive of the configured '$codename' source, suite ${codename}-backports (Mesa's Vulkan drivers for Dawn)."
  echo "Types: deb"
  echo "URIs: $uris"
  echo "Suites: ${codename}-backports"
  echo "Components: ${components//,/ }"
  [ "$signed" != "-" ] && echo "Signed-By: $signed"
} > "$target"
echo "vulkan: wrote $target (suite ${codename}-backports of the configured archive)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq -o Dir::Etc::sourcelist="$target" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0; then
  echo "vulkan: apt-get update of ${codename}-backports failed (is the archive reachable?)" >&2; exit 1
fi
if ! apt-get install -y -qq -t "${codename}-backports" mesa-vulkan-drivers libvulkan1 >/dev/null; then
  echo "vulkan: apt-get install -t ${codename}-backports mesa-vulkan-drivers libvulkan1 failed" >&2; exit 1
fi
if ready; then echo "vulkan: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) ($(icds | tr '\n' ' '))"; exit 0; fi
echo "vulkan: mesa-vulkan-drivers installed but no usable ICD/loader found" >&2
exit 1
