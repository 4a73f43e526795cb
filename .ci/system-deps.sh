#!/usr/bin/env bash
# Install the system tools the slow tests use (LibreOffice, poppler, fonts, python3-uno, Chromium,
# Dovecot) when
# missing: with apt-get as root, otherwise say what to install (those tests then skip).
set -euo pipefail
pkgs=()
command -v soffice >/dev/null 2>&1 || pkgs+=(libreoffice-writer-nogui)
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || dpkg -s libreoffice-calc >/dev/null 2>&1 \
  || pkgs+=(libreoffice-calc-nogui)   # opens the .xlsx matrix
command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
[ -e /usr/lib/python3/dist-packages/uno.py ] || pkgs+=(python3-uno)
# runs Python macros inside soffice (UNO on documents with comments, tests/helpers/lo_decide.py)
[ -e /usr/lib/libreoffice/program/pythonscript.py ] || pkgs+=(libreoffice-script-provider-python)
fc-list 2>/dev/null | grep -qi carlito || pkgs+=(fonts-crosextra-carlito)
fc-list 2>/dev/null | grep -qi "liberation sans" || pkgs+=(fonts-liberation2)
# the status page's browser test drives Debian's Chromium (never `playwright install`)
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
# `inbox fetch` is tested against a real IMAP server on loopback (tests/helpers/dovecot.py)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || pkgs+=(dovecot-imapd)
# `penholder server up --postgres` is tested on PostgreSQL 15 started on loopback by the test
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || pkgs+=(postgresql)
[ ${#pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${pkgs[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
else
  echo "note: ${pkgs[*]} missing and not root with apt-get: the LibreOffice, PDF, browser and IMAP tests will" \
       "be skipped. Install them with: sudo apt-get install ${pkgs[*]}" >&2
fi
