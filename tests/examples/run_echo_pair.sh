#!/bin/sh
# Runs the echo_server and echo_client programs against each other: the server on a port of
# the system's choosing (read from its first line through a fifo), the client sending the
# seed's "Hello, world". Usage: run_echo_pair.sh SERVER CLIENT [--dual-stack]
set -eu
server=$1
client=$2
variant=${3:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/socksim-echo-XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/out"
"$server" $variant 0 >"$dir/out" &
server_pid=$!
exec 3<"$dir/out"
read -r listening <&3                  # "Listening on HOST:PORT" (the server flushes it)
port=${listening##*:}
received=$("$client" $variant localhost "$port")
read -r connected <&3 || connected=""  # "Connected by ADDRESS"
wait "$server_pid"
echo "$listening"
echo "$connected"
echo "$received"
case "$connected" in "Connected by "*) ;; *) echo "no 'Connected by' line" >&2; exit 1 ;; esac
[ "$received" = "Received 'Hello, world'" ] || { echo "unexpected client output" >&2; exit 1; }
