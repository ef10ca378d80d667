#!/usr/bin/env bash
# What `make bench` needs besides the virtualenv: PostgreSQL and Redis on 127.0.0.1
# (started if they are not running) and wrk (installed from Debian when missing).
set -euo pipefail

wait_until() {  # wait_until DESCRIPTION COMMAND...
    local what=$1
    shift
    for _ in $(seq 30); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    echo "bench: $what did not come up within 30 s" >&2
    return 1
}

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "bench: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi
wait_until "PostgreSQL on 127.0.0.1:5432" pg_isready -h 127.0.0.1 -p 5432 -q

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    echo "bench: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
wait_until "Redis on 127.0.0.1:6379" bash -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: wrk is missing; install it (Debian: apt-get install wrk) and run make bench again" >&2
        exit 1
    fi
    echo "bench: installing wrk"
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
