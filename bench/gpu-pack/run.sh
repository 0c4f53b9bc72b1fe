#!/usr/bin/env bash
# The GPU pack's one command (docs/design/gpu-path.md#measuring-a-gpu-the-gpu-pack): on a bare Linux
# x86-64 machine with an NVIDIA driver, unpacks Node and Dawn, finds the NVIDIA Vulkan driver, runs the
# measurements part by part (each with its own time limit, 8 minutes in all), and prints one JSON object on
# stdout (also written to $OUT/gpu-pack.json when OUT is set, with the parts' logs in $OUT/gpu-pack.log).
#
#   bash gpu-pack/run.sh [--quick] [--driver auto|swiftshader|lavapipe|/path/to/icd.json]
#
# --quick: tiny sizes and few steps (the tests run it on software Vulkan). --driver: auto looks for
# NVIDIA's manifest only; the others name a software driver for testing here. GPU_PACK_BUDGET_S overrides
# the 480 s budget.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
QUICK=0
DRIVER=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --driver) DRIVER="${2:-}"; shift ;;
    *) echo "run.sh: unknown option '$1' (--quick, --driver auto|swiftshader|lavapipe|FILE.json)" >&2; exit 2 ;;
  esac
  shift
done
START=$(date +%s)
BUDGET=${GPU_PACK_BUDGET_S:-480}
log() { echo "[gpu-pack] $*" >&2; }
left() { echo $((BUDGET - ($(date +%s) - START))); }

# Everything runs from a fresh folder: the pack stays as built (an unpacked Node in it would push a
# carried gpu-pack/ over the device's 64 MiB), and it may be read-only.
PACK=$HERE
HERE=$(mktemp -d "${TMPDIR:-/tmp}/gpu-pack-run.XXXXXX")
cp -r "$PACK/measure.mjs" "$PACK/manifest.json" "$PACK/wasm" "$PACK/dawn" "$PACK/lib" "$PACK/glvnd" "$PACK/torch_reference.py" "$HERE/" || {
  echo "run.sh: could not copy the pack into $HERE" >&2
  exit 1
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu-pack-parts.XXXXXX")
trap 'rm -rf "$HERE" "$WORK"' EXIT
LOG="$WORK/all.log"
: >"$LOG"

# Plain-text JSON string (for the few values this script writes itself).
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\n\t' '  ')"; }

finish() {
  # $1: an error that stopped the run before the parts, or empty.
  local json
  if [ -x "$HERE/bin/node" ] && "$HERE/bin/node" -e 0 2>/dev/null; then
    json=$(GPU_PACK_ERROR="$1" GPU_PACK_DRIVER="${DRIVER_FILE:-}" GPU_PACK_QUICK=$QUICK GPU_PACK_SECONDS=$(($(date +%s) - START)) \
      "$HERE/bin/node" "$HERE/measure.mjs" combine --dir "$WORK" 2>>"$LOG")
  fi
  if [ -z "${json:-}" ]; then
    json="{\"error\":$(jstr "${1:-combining the parts failed}"),\"log\":$(jstr "$(tail -c 2000 "$LOG")")}"
  fi
  printf '%s\n' "$json"
  if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    printf '%s\n' "$json" >"$OUT/gpu-pack.json"
    cp "$LOG" "$OUT/gpu-pack.log"
  fi
  exit 0
}

# --- Node and Dawn ---------------------------------------------------------------------
mkdir -p "$HERE/bin" "$HERE/dawn/dist/linux-x64"
if [ ! -x "$HERE/bin/node" ]; then
  gunzip -c "$PACK/node.gz" >"$HERE/bin/node.tmp" && chmod +x "$HERE/bin/node.tmp" && mv "$HERE/bin/node.tmp" "$HERE/bin/node" ||
    finish "could not unpack node.gz (gunzip missing or the disk full?)"
fi
if [ ! -f "$HERE/dawn/dist/linux-x64/dawn.node" ]; then
  gunzip -c "$PACK/dawn.node.gz" >"$HERE/dawn/dist/linux-x64/dawn.node.tmp" && mv "$HERE/dawn/dist/linux-x64/dawn.node.tmp" "$HERE/dawn/dist/linux-x64/dawn.node" ||
    finish "could not unpack dawn.node.gz"
fi
NODE="$HERE/bin/node"
# The pack's Vulkan loader first; the system's C++ runtime unless it is missing or too old for Node.
export LD_LIBRARY_PATH="$HERE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if ! "$NODE" -e 0 2>>"$LOG"; then
  log "the system's C++ runtime does not run this Node; trying the pack's own libstdc++"
  mkdir -p "$HERE/lib/fallback"
  for f in "$PACK"/fallback/*.gz; do gunzip -c "$f" >"$HERE/lib/fallback/$(basename "$f" .gz)"; done
  export LD_LIBRARY_PATH="$HERE/lib/fallback:$LD_LIBRARY_PATH"
  "$NODE" -e 0 2>>"$LOG" || finish "the packed Node does not start here: $(tail -n 3 "$LOG")"
fi
log "node $("$NODE" -v) from the pack"

# --- the Vulkan driver ----------------------------------------------------------------------------------
ICD_DIRS="/usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d"
DRIVER_FILE=""
case "$DRIVER" in
  auto)
    for f in ${VK_DRIVER_FILES:-} ${VK_ICD_FILENAMES:-}; do
      case "$f" in *nvidia*) [ -f "$f" ] && DRIVER_FILE="$f" && break ;; esac
    done
    if [ -z "$DRIVER_FILE" ]; then
      for d in $ICD_DIRS; do
        for f in "$d"/*nvidia*.json; do [ -f "$f" ] && DRIVER_FILE="$f" && break 2; done
      done
    fi
    ;;
  swiftshader) DRIVER_FILE=/usr/lib/chromium/vk_swiftshader_icd.json ;;
  lavapipe) DRIVER_FILE="${DMC_LAVAPIPE_ICD:-/usr/share/vulkan/icd.d/lvp_icd.x86_64.json}" ;;
  *) DRIVER_FILE="$DRIVER" ;;
esac
if [ -z "$DRIVER_FILE" ] || [ ! -f "$DRIVER_FILE" ]; then
  NO_DRIVER="no NVIDIA Vulkan driver was found: no *nvidia*.json manifest in ${VK_DRIVER_FILES:+VK_DRIVER_FILES, }$ICD_DIRS${DRIVER_FILE:+ ($DRIVER_FILE does not exist)}; the webgpu parts were not run"
  log "$NO_DRIVER"
  DRIVER_FILE=""
else
  export VK_DRIVER_FILES="$DRIVER_FILE" VK_ICD_FILENAMES="$DRIVER_FILE"
  # NVIDIA's manifest names its library without a folder: let the loader find it where the driver lives.
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"; done
  # NVIDIA's driver library links against glvnd's libGLdispatch.so.0: the pack's, where the machine has none.
  if ! (ldconfig -p 2>/dev/null | grep -q 'libGLdispatch\.so\.0') && ! ls /usr/local/nvidia/lib64/libGLdispatch.so.0 >/dev/null 2>&1; then
    export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$HERE/glvnd"
    log "no libGLdispatch.so.0 on this machine: using the pack's (Debian libglvnd0)"
  fi
  log "Vulkan driver: $DRIVER_FILE ($(tr -d '\n ' <"$DRIVER_FILE" | cut -c1-200))"
fi

# --- the parts ------------------------------------------------------------------------------------------
# part NAME CAP_S COMMAND…: runs with min(CAP_S, budget left) seconds; the status file says how it ended.
part() {
  local name=$1 cap=$2 rem
  shift 2
  rem=$(left)
  [ "$cap" -gt "$rem" ] && cap=$rem
  if [ "$cap" -lt 5 ]; then
    echo "skipped: the 8-minute budget was spent" >"$WORK/$name.status"
    return
  fi
  log "$name (limit ${cap} s)"
  local t0=$(date +%s) rc
  timeout -k 5 "$cap" "$@" >>"$LOG" 2>&1
  rc=$?
  case $rc in
    0) echo "ok in $(($(date +%s) - t0)) s" ;;
    124 | 137) echo "stopped at its ${cap} s limit (results so far kept)" ;;
    *) echo "failed with exit $rc after $(($(date +%s) - t0)) s (see the log)" ;;
  esac >"$WORK/$name.status"
  log "$name: $(cat "$WORK/$name.status")"
}
M="$NODE $HERE/measure.mjs"
step() { # NAME CAP BATCH OBS EMBED [--f16]
  local name=$1 cap=$2 b=$3 n=$4 e=$5
  shift 5
  part "$name" "$cap" $M step --batch "$b" --obs "$n" --embed "$e" --steps "$STEPS" --out "$WORK/$name.json" "$@"
}
torch_part() { # CAP BATCH OBS EMBED
  local cap=$1
  if ! python3 -c 'import torch' 2>>"$LOG"; then
    echo "skipped: python3 cannot import torch" >"$WORK/torch.status"
    log "torch: skipped, python3 ($(command -v python3 || echo 'not on the PATH')) cannot import torch"
    echo '{}' >"$WORK/torch.json"
    return
  fi
  part torch "$cap" env TORCH_DEVICE=auto TORCH_BATCHES="$2" TORCH_NUM_OBS="$3" TORCH_EMBED_DIMS="$4" TORCH_TIMED_STEPS="$STEPS" \
    TORCH_SUMMARY_DIM=16 TORCH_NUM_SEEDS=1 TORCH_DROPOUT=0.05 TORCH_OUT="$WORK/torch.json" python3 "$HERE/torch_reference.py"
}

if [ "$QUICK" = 1 ]; then
  STEPS=3
  if [ -n "$DRIVER_FILE" ]; then
    part adapter 60 $M adapter --out "$WORK/adapter.json"
    step step-b4-n16-e8-f32 120 4 16 8 --quick
    step step-b4-n16-e8-f16 120 4 16 8 --quick --f16
    part train 180 $M train --quick --out "$WORK/train.json"
    part draws 60 $M draws --quick --out "$WORK/draws.json"
  fi
  torch_part 120 4 16 8
else
  STEPS=20
  if [ -n "$DRIVER_FILE" ]; then
    part adapter 30 $M adapter --out "$WORK/adapter.json"
    step step-b64-n500-e64-f32 60 64 500 64
  fi
  torch_part 75 64 500 64
  if [ -n "$DRIVER_FILE" ]; then
    part train 60 $M train --out "$WORK/train.json"
    part draws 30 $M draws --out "$WORK/draws.json"
    step step-b64-n500-e64-f16 40 64 500 64 --f16
    step step-b16-n500-e128-f32 40 16 500 128
    step step-b16-n500-e128-f16 35 16 500 128 --f16
    step step-b128-n1000-e128-f32 60 128 1000 128
    step step-b128-n1000-e128-f16 50 128 1000 128 --f16
  fi
fi
finish "${NO_DRIVER:-}"
