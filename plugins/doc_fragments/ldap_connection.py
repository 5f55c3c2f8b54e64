# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host names of the domain controllers to use, tried in order until one answers. Each DC passed over is
        named in the task's warnings with the reason, and RV(ldap_server) names the DC that answered.
      - Connect by the name in the DC's certificate (usually its FQDN, V(dc1.contoso.com)); an IP address fails
        certificate validation unless O(cert_validation=ignore_hostname).
      - When omitted, the DCs are discovered through the DNS SRV records C(_ldap._tcp.dc._msdcs.<domain>) of the
        Kerberos default realm, as libkrb5 reads it (C(default_realm) in the krb5.conf that C(KRB5_CONFIG) names,
        else C(/etc/krb5.conf), including C(include)d files), and tried in RFC 2782 order (lowest priority first,
        by weight within a priority). Discovery needs the dnspython and gssapi libraries.
      - Can be set with the E(GMSA_LDAP_SERVER) environment variable (comma separated).
    type: list
    elements: str
  port:
    description:
      - The LDAP port. Defaults to V(636) with O(tls_mode=ldaps) and V(389) with O(tls_mode=start_tls).
      - Can be set with the E(GMSA_LDAP_PORT) environment variable.
    type: int
  tls_mode:
    description:
      - How the connection is encrypted. V(ldaps) is TLS from the first byte; V(start_tls) upgrades a plain
        connection on port 389 before binding.
      - There is no plaintext mode. ldap3 cannot sign or seal an LDAP session, AD refuses simple binds without
        TLS, and DCs only return gMSA passwords over encrypted connections.
      - Can be set with the E(GMSA_LDAP_TLS_MODE) environment variable.
    type: str
    choices: [ldaps, start_tls]
    default: ldaps
  cert_validation:
    description:
      - How the DC's certificate is checked. V(always) checks the chain and that the certificate names the server.
      - V(ignore_hostname) checks the chain only; V(ignore) checks nothing and is only for labs, since anybody on
        the path could then read the bind password.
      - Can be set with the E(GMSA_LDAP_CERT_VALIDATION) environment variable.
    type: str
    choices: [always, ignore_hostname, ignore]
    default: always
  ca_cert:
    description:
      - A PEM file with the CA certificate(s) that issued the DC's certificate, when that CA is not in the
        system trust store (typical for an enterprise CA).
      - Can be set with the E(GMSA_LDAP_CA_CERT) environment variable.
    type: path
  auth_protocol:
    description:
      - V(simple) binds with O(username) and O(password) (a UPN such as V(admin@contoso.com), a
        V(CONTOSO\\admin) name or a DN) over the encrypted connection.
      - V(kerberos) binds with SASL GSSAPI. Without O(password) it uses the ticket in the current credential
        cache (C(kinit) beforehand, or C(KRB5CCNAME)); with O(username) and O(password) it obtains a ticket
        itself, in memory. Needs the gssapi library and a krb5.conf that knows the realm.
      - NTLM is not offered, since ldap3's NTLM bind is not supported by every DC and cannot protect the session.
      - R(The authentication guide, ansible_collections.wincontainers.gmsa.docsite.authentication) compares the
        ways to bind and lists the rights each module needs.
      - Can be set with the E(GMSA_LDAP_AUTH_PROTOCOL) environment variable.
    type: str
    choices: [simple, kerberos]
    default: simple
  username:
    description:
      - The account to bind as. With O(auth_protocol=kerberos), a principal such as V(admin@CONTOSO.COM).
      - Can be set with the E(GMSA_LDAP_USERNAME) environment variable.
    type: str
  password:
    description:
      - The password of O(username). It is never logged or returned.
      - Can be set with the E(GMSA_LDAP_PASSWORD) environment variable.
    type: str
  connection_timeout:
    description:
      - Seconds each DC has to accept the connection, complete the TLS handshake (or StartTLS) and answer the bind,
        all together, before the next one is tried. A DC that accepts the TCP connection but never answers (hung,
        overloaded) costs this long and no more.
      - Once bound, each search may wait 30 seconds (or O(connection_timeout), if larger) for an answer, and each
        write (create, change, move, delete of one object) O(connection_timeout), so that a DC lost in the middle
        of a task costs no more than one that does not answer the connection. A write of a security descriptor
        (M(wincontainers.gmsa.gmsa_delegation)) waits as long as a search (Samba updates every object below
        before it answers).
      - A Kerberos bind also waits for the KDC, within the timeouts of krb5.conf.
      - Can be set with the E(GMSA_LDAP_CONNECTION_TIMEOUT) environment variable.
    type: int
    default: 10
  write_server:
    description:
      - The host name of the domain controller that creates objects (gMSAs, host groups, KDS root keys). When
        omitted, the PDC emulator of the domain, the DC that the C(fSMORoleOwner) attribute of the domain object names.
      - Every create goes to this one DC, so that a re-run after a lost DC can never create an object twice (two
        DCs creating one name before they replicate leave two objects, one renamed with AD's C(CNF:) suffix).
        When it cannot be reached, a task that would create an object fails and names it, and creates nothing.
      - The DC that answered (RV(ldap_server)) still does the reads and changes existing objects; a second
        connection to this DC is opened only when an object must be created, or when an object a task needs is
        missing on the DC that answered (it may have been created moments ago and not have replicated yet; the
        task then reads from this DC and says so in its warnings).
      - Set it to another DC only when the PDC emulator is lost, or to pin creates to a DC of your choice; pick
        one that has replicated everything from the previous one.
      - Every task that reads the domain checks that it names a writable DC of the domain, whether or not it
        creates anything, and fails before any write when it does not (a misspelled name), listing the writable
        DCs. The DC that answered, or C(<DC name>) or C(<DC name>.<domain>) of a DC the domain object lists in
        C(masteredBy), costs no extra LDAP operation; another name costs one search of the server objects of the
        configuration's sites (C(dNSHostName)). An IP address cannot be checked against the DCs' names, so it is
        used as given, with a warning.
      - Can be set with the E(GMSA_LDAP_WRITE_SERVER) environment variable.
    type: str
requirements:
  - ldap3 >= 2.9 (Python library)
  - dnspython (Python library, only for DC discovery when O(server) is omitted)
  - gssapi (Python library, for O(auth_protocol=kerberos), and for DC discovery when O(server) is omitted)
notes:
  - Every option can be set once for a whole play with
    C(module_defaults) and the action group C(group/wincontainers.gmsa.ad), or through the E(GMSA_LDAP_*)
    environment variables, as an AWX/AAP credential type does
    (R(Running from AWX or AAP, ansible_collections.wincontainers.gmsa.docsite.awx)).
"""
