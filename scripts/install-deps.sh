#!/usr/bin/env bash
# Installs the Debian 12 packages clustersim needs, only those that are missing.
# Run as root (apt-get). Used by both README commands and by CI.
set -euo pipefail
packages=(
  cmake ninja-build g++ ccache pkg-config
  libboost-graph-dev libboost-program-options-dev libeigen3-dev libhdf5-dev
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev
  pybind11-dev python3-dev
  python3-h5py python3-numpy python3-pandas python3-matplotlib python3-pytest
  python3-nbconvert python3-ipykernel
  clang libclang-rt-14-dev
  libopenblas0-pthread
  coinor-libclp-dev
  libtorch-dev
  libopenmpi-dev openmpi-bin
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
