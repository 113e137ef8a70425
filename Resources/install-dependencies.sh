#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need on Debian 12.
# --no-upgrade: never upgrade what the machine already has (openssl, ...).
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  orthanc orthanc-dev libgpgme-dev libcurl4-openssl-dev libjsoncpp-dev zlib1g-dev
  libgtest-dev libsqlite3-dev libgcrypt20-dev
  # the PostgreSQL engine of the records (#18): libpq, and a server for its tests
  libpq-dev postgresql
  # several Orthancs on one PostgreSQL index, for the scale-out tests (#18)
  orthanc-postgresql
  # the Debian package (Resources/package.sh): dpkg-shlibdeps, and Debian's checker
  dpkg-dev lintian
  # run time: Orthanc and GnuPG; the viewer the demo links received studies to
  gnupg gpg-agent orthanc-webviewer
  # the local mail stack of the demo and the tests
  postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl
  # integration tests
  python3 python3-pytest python3-pytest-xdist python3-requests python3-pydicom python3-numpy curl procps
  # a real mail client reads our headers (test_names.py)
  mutt
  # a modality's C-STORE to the gateway (storescu, test_forwarding.py)
  dcmtk
  # Sequoia makes the authority's and partners' keys of test_authority.py (#22)
  sq
  # the browser test of the Explorer extension (driven by playwright-core from npm)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

install_browser_driver() {
  # playwright-core drives Debian's chromium (it downloads no browser); axe-core checks accessibility.
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/IntegrationTests/browser"
  if ! command -v npm > /dev/null; then
    # Machines here ship Node.js with npm; plain Debian needs both packages.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade nodejs npm
  fi
  if [ ! -d "$dir/node_modules/playwright-core" ] || [ ! -d "$dir/node_modules/axe-core" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "All dependencies are installed."
  install_browser_driver
  exit 0
fi

echo "Installing: ${missing[*]}"
# Postfix asks a question at install time; answer it before apt does.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-upgrade "${missing[@]}"
install_browser_driver
