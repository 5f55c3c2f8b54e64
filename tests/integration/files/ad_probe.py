# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An independent reader of the lab DC for integration tests: raw ldap3, none of the collection's code.

    ad_probe.py managed-password NAME   -> {"found", "password_length", "key_id"} read as the bind account
    ad_probe.py search BASE FILTER ATTR...  -> [{"dn", ATTR: [values]}] (binary values as hex)
    ad_probe.py dacl DN                  -> {"dacl": hex} the nTSecurityDescriptor read with the SD flags control
                                            asking for the DACL only (MS-ADTS 3.1.1.3.4.1.11)
    ad_probe.py usn                      -> {"highestCommittedUSN": int} from the rootDSE
    ad_probe.py written-since USN        -> {"highestCommittedUSN": int, "written": [{"dn", "attids"}]}: the objects
                                            (deleted ones too) of the domain partition and of the configuration's
                                            CN=Services (KDS root keys) holding attributes this DC wrote itself after
                                            USN, or a linked value (member) of after it; what it took in by
                                            replication from another DC is not a write here
    ad_probe.py schema-guids NAME...     -> {lDAPDisplayName: schemaIDGUID} read from the schema partition

Connection settings come from the GMSA_LDAP_* environment variables the lab writes.
"""

import json
import os
import ssl
import sys
import uuid

import ldap3


def connect(username=None, password=None):
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=os.environ["GMSA_LDAP_CA_CERT"])
    server = ldap3.Server(os.environ["GMSA_LDAP_SERVER"], port=636, use_ssl=True, tls=tls, get_info=ldap3.NONE)
    return ldap3.Connection(
        server,
        user=username or os.environ["GMSA_LDAP_USERNAME"],
        password=password or os.environ["GMSA_LDAP_PASSWORD"],
        auto_bind=True,
    )


def domain_dn(conn):
    conn.search("", "(objectClass=*)", ldap3.BASE, attributes=["defaultNamingContext"])
    return conn.response[0]["raw_attributes"]["defaultNamingContext"][0].decode()


def managed_password(name, username=None, password=None):
    conn = connect(username, password)
    conn.search(
        domain_dn(conn),
        f"(sAMAccountName={name}$)",
        attributes=["msDS-ManagedPassword", "msDS-ManagedPasswordId"],
    )
    entries = [e for e in conn.response if e.get("type") == "searchResEntry"]
    if not entries:
        return {"found": False}
    raw = entries[0]["raw_attributes"]
    result = {"found": True, "password_length": 0, "key_id": None}
    blob = raw.get("msDS-ManagedPassword", [b""])[0] if raw.get("msDS-ManagedPassword") else b""
    if blob:
        # MSDS-MANAGEDPASSWORD_BLOB: the current password's offset is at byte 8; it ends at the next offset
        # or with two NUL bytes; report only its length, never the password.
        current = int.from_bytes(blob[8:10], "little")
        following = [int.from_bytes(blob[o : o + 2], "little") for o in (10, 12, 14)]
        end = min([o for o in following if o > current] or [len(blob)])
        result["password_length"] = end - current - 2
    key_blob = raw.get("msDS-ManagedPasswordId", [b""])[0] if raw.get("msDS-ManagedPasswordId") else b""
    if len(key_blob) >= 40:
        result["key_id"] = str(uuid.UUID(bytes_le=bytes(key_blob[24:40])))
    return result


def search(base, ldap_filter, *attributes):
    conn = connect()
    conn.search(base, ldap_filter, attributes=list(attributes) or ["distinguishedName"])
    out = []
    for entry in conn.response:
        if entry.get("type") != "searchResEntry":
            continue
        row = {"dn": entry["dn"]}
        for key, values in entry["raw_attributes"].items():
            decoded = []
            for value in values:
                try:
                    decoded.append(value.decode("utf-8"))
                except UnicodeDecodeError:
                    decoded.append(value.hex())
            row[key] = decoded
        out.append(row)
    return out


def dacl(dn):
    conn = connect()
    # SDFlagsRequestValue ::= SEQUENCE { Flags INTEGER }, Flags = DACL_SECURITY_INFORMATION (4).
    sd_flags = ("1.2.840.113556.1.4.801", True, bytes.fromhex("3003020104"))
    conn.search(dn, "(objectClass=*)", ldap3.BASE, attributes=["nTSecurityDescriptor"], controls=[sd_flags])
    entries = [e for e in conn.response if e.get("type") == "searchResEntry"]
    return {"dacl": bytes(entries[0]["raw_attributes"]["nTSecurityDescriptor"][0]).hex()} if entries else {}


def usn():
    conn = connect()
    conn.search("", "(objectClass=*)", ldap3.BASE, attributes=["highestCommittedUSN"])
    return {"highestCommittedUSN": int(conn.response[0]["raw_attributes"]["highestCommittedUSN"][0])}


SHOW_DELETED = ("1.2.840.113556.1.4.417", True, None)  # LDAP_SERVER_SHOW_DELETED_OID, MS-ADTS 3.1.1.3.4.1.14


LAST_LOGON_TIMESTAMP = 0x906A0  # lastLogonTimestamp's attid: the DC writes it itself when an account logs on


def changed_metadata(blob, since, invocation_id):
    """The attids (hex) of a replPropertyMetaData value (MS-DRSR 5.167 REPLPROPERTYMETADATA / the blob's ctr of
    48-byte entries: attid, version, originating time, originating invocation ID, originating USN, local USN) with a
    local USN above ``since``, as (those whose change originated on the DC of ``invocation_id``, the others: taken
    in by replication, the highest local USN of all entries).

    Two entries that originated here are no client's write and count as replicated: one with the local USN of a
    replicated entry (one transaction: Samba originates an object's ``cn`` itself when it takes in the object's
    creation), and lastLogonTimestamp (a bind of an account that had not logged on for days or ever)."""
    count = int.from_bytes(blob[8:12], "little")
    entries = []
    for index in range(count):
        entry = blob[16 + 48 * index : 64 + 48 * index]
        local = bytes(entry[16:32]) == invocation_id
        entries.append(
            (int.from_bytes(entry[0:4], "little"), local, int.from_bytes(entry[40:48], "little", signed=True))
        )
    replicated_usns = {local_usn for _attid, local, local_usn in entries if not local}
    here, replicated = [], []
    for attid, local, local_usn in entries:
        if local_usn > since:
            own = local and local_usn not in replicated_usns and attid != LAST_LOGON_TIMESTAMP
            (here if own else replicated).append(hex(attid))
    return here, replicated, max((entry[2] for entry in entries), default=0)


def written_since(since):
    """What this DC itself wrote after USN ``since``: a task that "wrote nothing" leaves this empty even while the
    other DCs' changes replicate in (highestCommittedUSN counts those too, so comparing it raced replication).

    An object whose last change (uSNChanged) is after every attribute's in replPropertyMetaData last had a linked
    value changed (a group's member: linked values keep their metadata apart, which LDAP does not show): it counts
    as written with ``"linked_values": true``, wherever the change came from, so a member written by mistake is not
    missed (unless an attribute replicated in after it).
    """
    conn = connect()
    attributes = ["highestCommittedUSN", "dsServiceName", "defaultNamingContext", "configurationNamingContext"]
    conn.search("", "(objectClass=*)", ldap3.BASE, attributes=attributes)
    root = {key: values[0] for key, values in conn.response[0]["raw_attributes"].items()}
    conn.search(root["dsServiceName"].decode(), "(objectClass=*)", ldap3.BASE, attributes=["invocationId"])
    invocation_id = bytes(conn.response[0]["raw_attributes"]["invocationId"][0])
    written = []
    for base in (root["defaultNamingContext"].decode(), "CN=Services," + root["configurationNamingContext"].decode()):
        found = ["uSNChanged", "replPropertyMetaData"]
        conn.search(base, f"(uSNChanged>={since + 1})", attributes=found, controls=[SHOW_DELETED])
        for entry in conn.response:
            if entry.get("type") != "searchResEntry":
                continue
            raw = entry["raw_attributes"]
            blob = bytes((raw.get("replPropertyMetaData") or [b""])[0])
            here, _replicated, latest = changed_metadata(blob, since, invocation_id) if blob else ([], [], 0)
            if here:
                written.append({"dn": entry["dn"], "attids": here})
            elif int(raw["uSNChanged"][0]) > latest:
                written.append({"dn": entry["dn"], "attids": [], "linked_values": True})
    return {"highestCommittedUSN": int(root["highestCommittedUSN"]), "written": written}


def schema_guids(*names):
    conn = connect()
    conn.search("", "(objectClass=*)", ldap3.BASE, attributes=["schemaNamingContext"])
    schema = conn.response[0]["raw_attributes"]["schemaNamingContext"][0].decode()
    wanted = "".join(f"(lDAPDisplayName={name})" for name in names)
    conn.search(schema, f"(|{wanted})", attributes=["lDAPDisplayName", "schemaIDGUID"])
    return {
        e["raw_attributes"]["lDAPDisplayName"][0].decode(): str(
            uuid.UUID(bytes_le=bytes(e["raw_attributes"]["schemaIDGUID"][0]))
        )
        for e in conn.response
        if e.get("type") == "searchResEntry"
    }


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "managed-password":
        user = os.environ.get("PROBE_USERNAME")
        secret = os.environ.get("PROBE_PASSWORD")
        print(json.dumps(managed_password(args[0], user, secret)))
    elif command == "search":
        print(json.dumps(search(*args)))
    elif command == "count":  # how many entries a search finds (base, filter), as a bare number for shell tests
        print(len(search(*args)))
    elif command == "dacl":
        print(json.dumps(dacl(args[0])))
    elif command == "usn":
        print(json.dumps(usn()))
    elif command == "written-since":
        print(json.dumps(written_since(int(args[0]))))
    elif command == "schema-guids":
        print(json.dumps(schema_guids(*args)))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
