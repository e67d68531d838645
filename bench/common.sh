# Shared by the bench/*.sh scripts: builds TicketLab with its test classes and sets CLASSPATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests package) >&2
export CLASSPATH="$root/target/classes:$root/target/test-classes:$root/target/lib/*"
PYTHON="${PYTHON:-/usr/bin/python3}"
