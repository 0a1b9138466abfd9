#!/usr/bin/env bash
# Install the system libraries Qt needs (offscreen and X11), with apt-get, only where missing.
# Usage: scripts/install-system-deps.sh [offscreen|xcb]   (default: offscreen)
set -euo pipefail
mode="${1:-offscreen}"
offscreen_pkgs="libx11-6 libxcb1 libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3"
xcb_pkgs="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0"
pkgs="$offscreen_pkgs"
[ "$mode" = "xcb" ] && pkgs="$pkgs $xcb_pkgs"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "xpcsviewer: Qt may need these system libraries:$missing (install them with your package manager)" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing system libraries for Qt:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
