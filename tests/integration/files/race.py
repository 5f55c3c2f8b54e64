# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two writers at once on the lab DC: two processes run gmsa_account's engine against one gMSA, and both read
(and plan) before either writes, so every trial is a real race on the wire, not a lucky interleaving.

    race.py add GMSA PRINCIPAL1 PRINCIPAL2  -> each process adds one principal to allowed_to_retrieve_password
    race.py create GMSA                     -> each process creates the same gMSA

Each process is ``_gmsa.converge_accounts`` (what the module runs) on its own connection; a barrier between
planning (the kind's ``before_write`` hook) and writing holds both until both have read. Prints one JSON object:
each process's outcome (``changed``, ``retries``, error) and its LDAP operation counts. What AD holds afterwards
is for the caller to read with its own tools (samba-tool, ad_probe.py). Connection settings: GMSA_LDAP_*.
"""

import json
import multiprocessing
import os
import sys

sys.path.insert(0, os.environ["ANSIBLE_COLLECTIONS_PATH"].split(":")[0])

from ansible_collections.wincontainers.gmsa.plugins.module_utils import _gmsa
from ansible_collections.wincontainers.gmsa.plugins.module_utils._adobject import ObjectRequest
from ansible_collections.wincontainers.gmsa.plugins.module_utils._errors import GmsaError
from ansible_collections.wincontainers.gmsa.plugins.module_utils._ldap import (
    ConnectionOptions,
    LdapClient,
)


def client():
    options = ConnectionOptions.from_params(
        {
            "server": [os.environ["GMSA_LDAP_SERVER"]],
            "ca_cert": os.environ["GMSA_LDAP_CA_CERT"],
            "username": os.environ["GMSA_LDAP_USERNAME"],
            "password": os.environ["GMSA_LDAP_PASSWORD"],
        }
    )
    return LdapClient(options).connect()


def writer(barrier, results, index, request):
    ldap = client()
    original = _gmsa.check_new_spns

    def wait_then_check(conn, claims):
        original(conn, claims)
        barrier.wait(timeout=60)

    # The hook the engine calls after planning and before the first write: both processes have read when
    # both pass it.
    _gmsa.check_new_spns = wait_then_check
    try:
        outcome = _gmsa.converge_accounts(ldap, [request], "fail", False)
        results[index] = {
            "changed": outcome.changed,
            "accounts": outcome.accounts,
            "ldap_operations": dict(ldap.operations),
        }
    except GmsaError as exc:
        results[index] = {"error": str(exc), "details": exc.details, "ldap_operations": dict(ldap.operations)}
    finally:
        ldap.close()


def main(argv):
    mode, name, *principals = argv
    if mode == "add":
        requests = [ObjectRequest(name, options={"allowed_to_retrieve_password": {"add": [p]}}) for p in principals]
    else:
        requests = [ObjectRequest(name), ObjectRequest(name)]
    manager = multiprocessing.Manager()
    results = manager.dict()
    barrier = multiprocessing.Barrier(len(requests))
    processes = [multiprocessing.Process(target=writer, args=(barrier, results, i, r)) for i, r in enumerate(requests)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    print(json.dumps([results.get(i) for i in range(len(requests))], default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
