# Helpers shared by the store scripts (sourced, not run): free ports, pid files, waiting.
# A server's state lives in one folder: pid, port(s), url, log. Everything binds to 127.0.0.1.

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The port remembered in STATE/NAME, or a new free one (so a restart reuses the same URL).
remembered_port() {
    local state=$1 name=$2
    [[ -s "$state/$name" ]] || free_port > "$state/$name"
    cat "$state/$name"
}

# Run CMD... in the background in a session of its own, output to LOG, with no other file
# descriptor inherited (a caller's pipe left open would make it wait for the server to end).
# Prints the pid.
launch() {
    local log=$1
    shift
    python3 -c '
import subprocess, sys
with open(sys.argv[1], "ab") as log:
    process = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
print(process.pid)' "$log" "$@"
}

is_running() {
    local state=$1
    [[ -s "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null
}

# Wait until URL answers HTTP (any status) or give up after SECONDS.
wait_for_http() {
    local url=$1 seconds=$2 state=$3
    local deadline=$((SECONDS + seconds))
    until curl -s -o /dev/null --max-time 2 "$url"; do
        if ! is_running "$state"; then
            echo "error: the server stopped during start-up; its log: $state/log" >&2
            tail -n 20 "$state/log" >&2 || true
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "error: no answer from $url after ${seconds}s; log: $state/log" >&2
            return 1
        fi
        sleep 0.2
    done
}

# Stop the server whose pid is in STATE/pid (TERM, then KILL after 10 s); quiet if not running.
stop_server() {
    local state=$1
    is_running "$state" || { rm -f "$state/pid"; return 0; }
    local pid
    pid=$(cat "$state/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$state/pid"
}

usage() {
    echo "usage: $0 start|stop|url STATE_DIR" >&2
    exit 2
}
