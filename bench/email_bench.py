"""Email benchmark: N invitations sent by real Celery workers to a local SMTP sink.

    python bench/email_bench.py --messages 10000 --workers 2

What it does, in a PostgreSQL database of its own (``bench_email``, or ``--database``, created and
dropped here; PostgreSQL on 127.0.0.1:5432, user postgres, trust authentication):

1. creates the database and migrates it;
2. seeds one statement with N invitations and an invitation mailing;
3. starts the SMTP sink (tests/smtp_sink.py) in this process, and the workers:
   ``--workers`` separate ``--pool=solo`` worker processes (default), or with
   ``--pool prefork`` one worker with that many pool processes; they send through
   Django's SMTP backend (EMAIL_URL=smtp://127.0.0.1:PORT), with no rate limit and
   MAILING_PARALLEL_SENDERS equal to the number of sending processes;
4. once every worker is ready, schedules the mailing (``mailings.services.schedule``,
   which queues the dispatch through Redis) and measures the wall time until the
   sink has received all N messages, then until the mailing is marked sent.

It prints messages/second and whether the target is met: 10,000 messages in
under 60 s with two worker processes. It exits non-zero only when it could not
run (no PostgreSQL, no Redis, a worker that would not start), not when it is slow.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

DATABASE_NAME = os.environ.get("BENCH_EMAIL_DATABASE", "bench_email")
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_MESSAGES = 10_000
TARGET_SECONDS = 60
TARGET_WORKERS = 2


class CouldNotRun(Exception):
    pass


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=TARGET_MESSAGES, help="invitations to send (default 10000)")
    parser.add_argument("--workers", type=int, default=TARGET_WORKERS, help="sending processes (default 2)")
    parser.add_argument(
        "--pool",
        choices=["solo", "prefork"],
        default="solo",
        help="solo: that many worker processes (default); prefork: one worker with that many pool processes",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="a Redis database for the broker, emptied first (default redis://127.0.0.1:6379/14)",
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="server to create the database on")
    parser.add_argument(
        "--database",
        default=DATABASE_NAME,
        help=f"its name, starting with bench_ (default {DATABASE_NAME}, or BENCH_EMAIL_DATABASE)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="give up waiting after this many seconds")
    parser.add_argument("--keep-database", action="store_true", help="leave the database behind to inspect")
    return parser.parse_args()


# --- Database ----------------------------------------------------------------------


def admin_connection(postgres_url):
    import psycopg

    try:
        return psycopg.connect(f"{postgres_url}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        raise CouldNotRun(f"PostgreSQL at {postgres_url} is not reachable: {error}") from error


def checked_name(name):
    # It is dropped: never a database that is not the benchmark's own.
    if not re.fullmatch(r"bench_\w+", name):
        raise CouldNotRun(f"Refusing to drop {name!r}: the email benchmark's database name must start with bench_")
    return name


def recreate_database(postgres_url, name):
    with admin_connection(postgres_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{checked_name(name)}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(postgres_url, name):
    with admin_connection(postgres_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{checked_name(name)}" WITH (FORCE)')


def flush_redis(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise CouldNotRun(f"Redis at {redis_url} is not reachable: {error}") from error
    finally:
        client.close()


def migrate(environment):
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise CouldNotRun(f"migrate failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def seed(messages):
    """One open statement, ``messages`` invitations, a draft invitation mailing with its English text."""
    from campaigns.models import Campaign, Statement
    from mailings.models import Invitation, Mailing, MailingContent

    campaign = Campaign.objects.create(name="UN Cybercrime Convention", slug="un-cybercrime-convention")
    statement = Statement.objects.create(
        campaign=campaign,
        slug="joint-statement",
        state=Statement.State.OPEN,
        title="UN Cybercrime Convention must not become a tool to undermine human rights",
    )
    Invitation.objects.bulk_create(
        (
            Invitation(
                statement=statement,
                email=f"contact{n:06d}@org{n:06d}.example.org",
                organization_name=f"Organization {n}",
                contact_name=f"Contact {n}",
                country="DE",
            )
            for n in range(messages)
        ),
        batch_size=2000,
    )
    mailing = Mailing.objects.create(statement=statement, kind=Mailing.Kind.INVITATION, name="Invitation to sign")
    MailingContent.objects.create(
        mailing=mailing,
        language="en",
        subject="Will your organization sign the joint statement?",
        body=(
            "We, the undersigned organizations, call on the state delegations to ensure that the "
            "Convention protects **human rights**.\n\nPlease read the statement and sign on before the deadline."
        ),
    )
    return mailing


# --- Workers -----------------------------------------------------------------------


def start_workers(arguments, environment, log_dir):
    if arguments.pool == "solo":
        pools = [["--pool=solo"] for _ in range(arguments.workers)]
    else:
        pools = [["--pool=prefork", f"--concurrency={arguments.workers}"]]
    workers = []
    for number, pool in enumerate(pools, 1):
        log_path = log_dir / f"worker-{number}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "advocacy",
            "worker",
            *pool,
            "--loglevel=INFO",
            f"--hostname=email-bench-{number}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        workers.append((process, log_path))
    deadline = time.monotonic() + 60
    for process, log_path in workers:
        while " ready." not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise CouldNotRun(f"a worker did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
    return workers


def stop_workers(workers):
    for process, _ in workers:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for process, _ in workers:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- CPU accounting ----------------------------------------------------------------
# Wall time depends on whatever else runs on the machine; CPU time per message much less.

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_by_pid(pids=None, *, process_group=None) -> dict[int, float]:
    """utime + stime of the given processes, or of every process in ``process_group``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (pids is not None and int(entry.name) not in pids):
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if process_group is not None and int(fields[2]) != process_group:
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


class CpuMeter:
    """CPU seconds used by the workers, by the PostgreSQL backends of the benchmark database, and by this process.

    Sampled now and then during the run, so a process that exits (a backend closed by the
    worker after a task) still counts up to its last sample.
    """

    def __init__(self, workers):
        self.workers = workers
        self.first = None
        self.last = {"workers": {}, "postgres": {}, "sink": {}}

    def _read(self) -> dict[str, dict[int, float]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            backends = {pid for (pid,) in cursor.fetchall()}
        worker_cpu = {}
        for process, _ in self.workers:
            worker_cpu |= cpu_seconds_by_pid(process_group=process.pid)
        return {
            "workers": worker_cpu,
            "postgres": cpu_seconds_by_pid(backends),
            "sink": cpu_seconds_by_pid({os.getpid()}),
        }

    def sample(self) -> None:
        reading = self._read()
        if self.first is None:
            self.first = reading
        for name, by_pid in reading.items():
            self.last[name] |= by_pid

    def used(self) -> dict[str, float]:
        self.sample()
        return {
            name: sum(seconds - self.first[name].get(pid, 0.0) for pid, seconds in by_pid.items())
            for name, by_pid in self.last.items()
        }


# --- The run -----------------------------------------------------------------------


def run(arguments):
    from tests.smtp_sink import SmtpSink

    flush_redis(arguments.redis_url)
    database_url = f"{arguments.postgres_url}/{arguments.database}"
    print(f"Creating {arguments.database} and migrating…", flush=True)
    recreate_database(arguments.postgres_url, arguments.database)
    environment = dict(os.environ)
    for name in ("EMAIL_URL", "EMAIL_BACKEND", "EMAIL_FILE_PATH", "ADVOCACY_ENV", "DEBUG"):
        environment.pop(name, None)
    environment.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        DATABASE_URL=database_url,
        REDIS_URL=arguments.redis_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        SITE_URL="http://bench.example.org",
        MAILING_RATE_LIMIT_PER_MINUTE="0",
        MAILING_PARALLEL_SENDERS=str(arguments.workers),
        PYTHONUNBUFFERED="1",
    )
    migrate(environment)

    # This process too: it seeds, and schedule() publishes the dispatch to the workers' broker.
    os.environ.update(environment)
    import django

    django.setup()
    from django.db import connections

    from mailings import services
    from mailings.models import Delivery, Mailing

    started = time.monotonic()
    mailing = seed(arguments.messages)
    print(f"Seeded {arguments.messages} invitations in {time.monotonic() - started:.1f} s", flush=True)

    with SmtpSink() as sink, tempfile.TemporaryDirectory(prefix="email-bench-") as log_dir:
        environment["EMAIL_URL"] = sink.url
        how = (
            f"{arguments.workers} worker processes (--pool=solo)"
            if arguments.pool == "solo"
            else f"1 worker, --pool=prefork --concurrency={arguments.workers}"
        )
        print(f"Starting {how}, sending to {sink.url}…", flush=True)
        workers = start_workers(arguments, environment, Path(log_dir))
        meter = CpuMeter(workers)
        try:
            load = os.getloadavg()[0]
            print(
                f"Load average before the run: {load:.2f}"
                + ("  (the machine is busy: wall-clock figures will be low)" if load > 0.5 else ""),
                flush=True,
            )
            meter.sample()
            started = time.monotonic()
            services.schedule(mailing=mailing)
            first_at = all_at = None
            deadline = started + arguments.timeout
            last_report = last_sample = started
            while time.monotonic() < deadline:
                count = sink.count()
                now = time.monotonic()
                if first_at is None and count:
                    first_at = now
                if count >= arguments.messages:
                    all_at = now
                    break
                if now - last_sample >= 1:
                    meter.sample()
                    last_sample = now
                if now - last_report >= 10:
                    print(f"  {now - started:5.0f} s: {count} messages", flush=True)
                    last_report = now
                dead = [log for process, log in workers if process.poll() is not None]
                if dead:
                    raise CouldNotRun(f"a worker exited:\n{dead[0].read_text(errors='replace')[-3000:]}")
                sink.wait_for(arguments.messages, timeout=0.2)
            cpu = meter.used()
            sent_at = None
            while all_at is not None and time.monotonic() < deadline:
                if Mailing.objects.filter(pk=mailing.pk, state=Mailing.State.SENT).exists():
                    sent_at = time.monotonic()
                    break
                time.sleep(0.1)
            report(arguments, sink, started, first_at, all_at, sent_at, Delivery.objects.filter(mailing=mailing), cpu)
        finally:
            stop_workers(workers)
            connections.close_all()


def report(arguments, sink, started, first_at, all_at, sent_at, deliveries, cpu):
    received = sink.count()
    distinct = len(sink.message_ids_by_recipient())
    print()
    print(f"messages:            {arguments.messages}")
    print(f"sending processes:   {arguments.workers} ({arguments.pool})")
    if first_at is not None:
        print(f"first message after: {first_at - started:.2f} s (dispatch: writing the deliveries)")
    if all_at is None:
        elapsed = time.monotonic() - started
        print(f"NOT FINISHED:        {received} messages in {elapsed:.1f} s (timeout {arguments.timeout:.0f} s)")
        print(f"throughput:          {received / elapsed:.0f} messages/s")
        return
    elapsed = all_at - started
    print(f"all received after:  {elapsed:.2f} s")
    if sent_at is not None:
        print(f"mailing sent after:  {sent_at - started:.2f} s")
    print(
        f"throughput:          {arguments.messages / elapsed:.0f} messages/s "
        f"(sending only, from the first message: {(received - 1) / max(all_at - first_at, 1e-9):.0f}/s)"
    )
    print(
        f"recipients:          {distinct} distinct; {sink.duplicate_count()} raw duplicates; "
        f"{deliveries.filter(state='sent').count()} deliveries marked sent"
    )
    per_message = {name: 1000 * seconds / received for name, seconds in cpu.items()}
    total = sum(per_message.values())
    print(
        "CPU per message:     "
        + ", ".join(f"{name} {ms:.2f} ms" for name, ms in per_message.items())
        + f"; total {total:.2f} ms"
    )
    cores = os.cpu_count() or 1
    print(
        f"CPU-bound ceiling:   {1000 * cores / total:.0f} messages/s on {cores} cores "
        f"(if nothing else ran; Redis and the kernel not counted)"
    )
    projected = TARGET_MESSAGES / (arguments.messages / elapsed)
    comparable = arguments.workers == TARGET_WORKERS
    verdict = "MET" if projected < TARGET_SECONDS else "NOT MET"
    note = "" if comparable else f" (measured with {arguments.workers} sending processes, not {TARGET_WORKERS})"
    scale = "" if arguments.messages == TARGET_MESSAGES else f", projected from {arguments.messages}"
    print(
        f"target:              {TARGET_MESSAGES} in < {TARGET_SECONDS} s with {TARGET_WORKERS} worker processes: "
        f"{verdict} ({projected:.1f} s{scale}){note}"
    )


def main():
    arguments = parse_arguments()
    try:
        run(arguments)
    except CouldNotRun as error:
        print(f"email benchmark could not run: {error}", file=sys.stderr)
        sys.exit(2)
    finally:
        if not arguments.keep_database:
            try:
                drop_database(arguments.postgres_url, arguments.database)
            except CouldNotRun:
                pass


if __name__ == "__main__":
    main()
