#!/usr/bin/env bash
# Install the system packages Yishi's tests and server need, when they are missing.
# Debian packages: PostgreSQL and Redis servers and nginx (the suite starts its own), Chromium for
# browser tests, gettext for makemessages, CJK fonts so screenshots show Chinese, npm for
# the browser tests' axe-core (tests/package.json); Pango (with its FreeType backend) for
# WeasyPrint, which prints the PDFs with the CJK fonts embedded and DejaVu Sans Mono for
# the ballot codes.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
command -v xgettext >/dev/null || need+=(gettext)
command -v npm >/dev/null || need+=(npm)
# nginx in front of the app workers (deploy/nginx/; the cluster check starts its own)
{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || need+=(nginx-light)
# grep reads to the end (no -q): under pipefail an early exit would fail the pipe (SIGPIPE)
has_font() { fc-list 2>/dev/null | grep -i "$1" >/dev/null; }
{ has_font "noto sans cjk" && has_font "noto serif cjk"; } || need+=(fonts-noto-cjk)
has_font "dejavu sans mono" || need+=(fonts-dejavu-core)
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep "libpangoft2-1.0.so.0" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian postgresql package starts a cluster of its own; the suite runs its own servers.
if command -v service >/dev/null && [ -d /etc/postgresql ]; then $SUDO service postgresql stop >/dev/null 2>&1 || true; fi
if command -v service >/dev/null; then $SUDO service redis-server stop >/dev/null 2>&1 || true; fi
if command -v service >/dev/null && [ -x /usr/sbin/nginx ]; then $SUDO service nginx stop >/dev/null 2>&1 || true; fi
