# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the lab DC answers a verified TLS handshake on its LDAPS port.

Usage: lab_dc_probe.py HOST PORT CAFILE [PIDFILE]
Exit 0 when it answers; 1 when it does not (yet); 2 when PIDFILE names a process that no longer runs: Samba
exited, and waiting longer is pointless. (Samba writes its pid file after it detaches and leaves it behind when
it stops on an error; a missing pid file means it is still starting.)
"""

import socket
import ssl
import sys
from pathlib import Path


def exited(pidfile: str) -> bool:
    """True when PIDFILE holds the pid of a process that is gone."""
    try:
        pid = int(Path(pidfile).read_text(encoding="ascii").strip())
    except (OSError, ValueError):  # not written yet (or half written): still starting
        return False
    return not Path(f"/proc/{pid}").exists()


def main() -> int:
    host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    pidfile = sys.argv[4] if len(sys.argv) > 4 else None
    context = ssl.create_default_context(cafile=cafile)
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            with context.wrap_socket(sock, server_hostname=host):
                return 0
    except (OSError, ssl.SSLError) as exc:
        print(f"{host}:{port}: {exc}", file=sys.stderr)
    if pidfile is not None and exited(pidfile):
        print(f"the samba process of {pidfile} has exited", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
