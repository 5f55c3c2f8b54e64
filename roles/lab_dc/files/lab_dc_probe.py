# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exit 0 when the lab DC answers a verified TLS handshake on its LDAPS port, 1 otherwise."""

import socket
import ssl
import sys


def main() -> int:
    host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    context = ssl.create_default_context(cafile=cafile)
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            with context.wrap_socket(sock, server_hostname=host):
                return 0
    except (OSError, ssl.SSLError) as exc:
        print(f"{host}:{port}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
