# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The facts the check tests start from: gMSA WebApp01, host HOST01 and its groups.

Each builder returns the healthy case; keyword arguments change one fact. The domain is the ``contoso`` fixture.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.findings import (
    Finding,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.gmsa import (
    GmsaFacts,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._check.host import (
    GroupFacts,
    HostFacts,
)
from ansible_collections.wincontainers.gmsa.plugins.module_utils._credspec import DomainIdentity, build_credential_spec
from ansible_collections.wincontainers.gmsa.plugins.module_utils._kds import RootKey
from ansible_collections.wincontainers.gmsa.plugins.module_utils._sd import (
    build_gmsa_membership,
)

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)
# The SIDs of the objects below are of the contoso fixture's domain (tests/unit/conftest.py).
DOMAIN_SID = "S-1-5-21-702590844-1001920913-2680819671"
CHILD = DomainIdentity(
    dns_name="emea.contoso.com",
    netbios_name="EMEA",
    sid="S-1-5-21-1-2-3",
    guid="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    forest_dns_name="contoso.com",
)
HOSTS_SID = f"{DOMAIN_SID}-1105"
INNER_SID = f"{DOMAIN_SID}-1106"
HOST_SID = f"{DOMAIN_SID}-1110"
DOMAIN_COMPUTERS = f"{DOMAIN_SID}-515"
USERS = "CN=Users,DC=contoso,DC=com"


def gmsa(**changes) -> GmsaFacts:
    values = dict(
        dn="CN=WebApp01,CN=Managed Service Accounts,DC=contoso,DC=com",
        sam_account_name="WebApp01$",
        object_classes=("top", "user", "computer", "msDS-GroupManagedServiceAccount"),
        sid=f"{DOMAIN_SID}-1104",
        user_account_control=4096,
        spns=("host/WebApp01", "host/webapp01.contoso.com"),
        dns_host_name="webapp01.contoso.com",
        membership=build_gmsa_membership([HOSTS_SID]),
    )
    values.update(changes)
    return GmsaFacts(**values)


def host(**changes) -> HostFacts:
    values = dict(
        dn="CN=HOST01,CN=Computers,DC=contoso,DC=com",
        sam_account_name="HOST01$",
        sid=HOST_SID,
        primary_group_sid=DOMAIN_COMPUTERS,
        group_sids=(DOMAIN_COMPUTERS, INNER_SID, HOSTS_SID),
        member_of=(f"CN=Inner,{USERS}",),
        last_logon=NOW - timedelta(hours=1),
    )
    values.update(changes)
    return HostFacts(**values)


def groups(hosts_changed=NOW - timedelta(days=2), inner_changed=NOW - timedelta(days=3), **inner) -> dict:
    return {
        HOSTS_SID: GroupFacts(f"CN=Hosts,{USERS}", HOSTS_SID, "Hosts", (), hosts_changed),
        INNER_SID: GroupFacts(f"CN=Inner,{USERS}", INNER_SID, "Inner", (f"CN=Hosts,{USERS}",), inner_changed, **inner),
    }


def statuses(findings: list[Finding]) -> dict[str, str]:
    return {f.id: f.status for f in findings}


def key(start: datetime, key_id: str = "22d55d7b-5973-99d3-b397-f2d8398de064") -> RootKey:
    return RootKey(key_id, f"CN={key_id}", start, start, None)


def spec(domain: DomainIdentity, **join) -> dict:
    document = build_credential_spec("WebApp01", domain)
    document["DomainJoinConfig"].update(join)
    return document
