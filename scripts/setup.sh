#!/usr/bin/env bash
# Installs everything vpcnet needs on a Debian machine, idempotently: Debian packages (for the lab, the
# tests and the real clients they drive) and the npm packages, including Node.js 24 (npm package `node`,
# first on PATH inside npm scripts). Run as root. Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  awscli          # the AWS CLI v2, a real client of the EC2 emulator (/usr/bin/aws)
  curl            # a real IMDS client
  iproute2        # ip netns, veth, routes, rules
  iptables        # SNAT / CONNMARK rules
  nftables        # the lab's security groups and connmark on nf_tables
  busybox-static  # pod and instance userland in the lab (ping, wget, nc, httpd)
  containernetworking-plugins  # reference CNI plugins (ptp, host-local, portmap): baseline and chaining tests
  containerd      # real CRI runtime driving the plugin (test/clients)
  runc            # OCI runtime for containerd (crun refuses the hybrid cgroup setup)
  podman          # real runtime outside Kubernetes driving the plugin through its CNI backend (test/clients)
  tcpdump         # `vpcnet lab node <node> -- tcpdump`: see that pod traffic crosses the VPC unencapsulated
  jq
  ca-certificates
)

log() { printf '[setup] %s\n' "$*"; }

missing_debian_packages() {
  local pkg
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || printf '%s\n' "$pkg"
  done
}

install_debian_packages() {
  local missing
  mapfile -t missing < <(missing_debian_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian packages present"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "[setup] missing Debian packages (${missing[*]}); run as root to install them" >&2
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_npm() {
  if command -v npm >/dev/null 2>&1; then return; fi
  log "installing npm from Debian (it then brings Node.js 24 from the npm registry)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
}

install_npm_packages() {
  # node_modules/.package-lock.json is written by npm on every install: newer than package-lock.json = current.
  if [ -x node_modules/.bin/node ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    log "npm packages present"
    return
  fi
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
}

install_debian_packages
ensure_npm
install_npm_packages
log "Node.js for vpcnet: $(node_modules/.bin/node --version)"
