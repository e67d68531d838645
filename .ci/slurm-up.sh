#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine (slurmctld + slurmd on localhost, munge for
# authentication) for the Slurm integration test (SlurmSweepTest). Debian only, needs root.
# Idempotent: a cluster that is up with this configuration is left as it is; daemons that are
# not running are started. Exits non-zero with one line naming what failed.
# Environment: SLURM_UP_TIMEOUT  seconds to wait for the node to take jobs (default 60).
set -euo pipefail

fail() { echo "slurm-up: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (it installs packages and starts daemons)"

# up: the node takes jobs (idle, or some or all of its CPUs in use)
node_up() { sinfo -h -N -o '%t' 2>/dev/null | grep -qxE 'idle|mix|alloc'; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 \
    || ! command -v sbatch >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "slurm-wlm is not installed and there is no apt-get"
  (timeout 900 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq slurm-wlm munge) \
    >/tmp/slurm-up-apt.log 2>&1 || fail "apt-get install slurm-wlm munge failed; see /tmp/slurm-up-apt.log"
fi

# munge: a key readable by the munge user only, and its daemon.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start"
  for _ in $(seq 1 20); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.5
  done
  munge -n </dev/null | unmunge >/dev/null 2>&1 || fail "munge does not work (munge -n | unmunge)"
fi

# slurm.conf: one node, this host at 127.0.0.1, with the CPUs and memory slurmd finds.
host=$(hostname -s)
hw=$(slurmd -C | head -1)
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
if [ -z "$cpus" ] || [ -z "$memory" ]; then
  fail "could not read CPUs and RealMemory from 'slurmd -C': $hw"
fi
# a little below what slurmd measures, so that a small drift does not drain the node
memory=$((memory * 9 / 10))
install -d -m 0755 /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
conf=$(cat <<EOF
# Written by .ci/slurm-up.sh: a single-node test cluster.
ClusterName=ticketlab-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
# a requeued job may start again after cred_expire seconds (default 120)
AuthInfo=cred_expire=10
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
# memory is not a consumable resource: a task without --mem does not take the whole node
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# finished jobs stay visible to scontrol show job for 10 minutes
MinJobAge=600
SlurmdTimeout=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
)
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" = "$conf" ] && node_up; then
  echo "slurm-up: already up: $(sinfo -h -N -o '%N %t %c CPUs')"
  exit 0
fi
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$conf" ]; then
  printf '%s\n' "$conf" >/etc/slurm/slurm.conf
  # daemons of another configuration: stopped here, started again below
  for d in slurmd slurmctld; do
    pid=$(cat "/run/slurm/$d.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
  done
fi

pgrep -x slurmctld >/dev/null || slurmctld || fail "slurmctld did not start; see /var/log/slurm/slurmctld.log"
pgrep -x slurmd >/dev/null || slurmd || fail "slurmd did not start; see /var/log/slurm/slurmd.log"

timeout_s=${SLURM_UP_TIMEOUT:-60}
deadline=$((SECONDS + timeout_s))
until node_up; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    fail "node $host not up after ${timeout_s}s (sinfo: $(sinfo -h -N -o '%N %t' 2>&1 | tr '\n' ' ')); see /var/log/slurm/"
  fi
  # a node that came back from an earlier run as down or drained
  state=$(sinfo -h -N -o '%t' 2>/dev/null | head -1)
  case "$state" in
    down*|drain*|drng*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
echo "slurm-up: up: $(sinfo -h -N -o '%N %t %c CPUs %m MB')"
