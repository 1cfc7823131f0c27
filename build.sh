#!/usr/bin/env bash
# ./build.sh test [dotnet test options]  - runs the whole test suite (what CI runs)
# ./build.sh greeter                     - runs the Greeter example (the main job)
set -euo pipefail
cd "$(dirname "$0")"
# Tests and examples started from here keep mDNS on loopback (see README, "Network").
export MICRO_MDNS_INTERFACES="${MICRO_MDNS_INTERFACES:-lo}"
case "${1:-test}" in
  test)
    shift || true
    dotnet test MicroHosting.sln --logger "console;verbosity=normal" "$@"
    ;;
  greeter)
    shift || true
    dotnet run --project examples/Greeter -- "$@"
    ;;
  *)
    echo "usage: ./build.sh [test|greeter] [options]" >&2
    exit 2
    ;;
esac
