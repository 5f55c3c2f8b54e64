# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The naming and identifier rules of Active Directory, in one place, as pure functions.

Every rule has the same shape::

    rule(value, ..., *, what=<noun for messages>, option=<task option>, error=ValidationError) -> normalized value

It returns the value in the one form the collection stores and compares (documented per rule) or raises
``error`` (``ValidationError`` or a subclass such as ``CredentialSpecError``) whose message names ``what`` and
the value and whose hint says what to give instead; ``option`` is returned with the failure so a playbook can
tell which option was wrong. ``problem(rule, value, ...)`` runs a rule and returns its message instead of
raising, for validators that report rather than fail.

Nothing here reads AD or the network: the modules, the credential spec builder and validator, the filters and
``gmsa_check`` call these before any LDAP traffic, and the roles reach them through the modules or filters.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Callable, Optional

from ._errors import ValidationError

# -- sAMAccountName -----------------------------------------------------------------------------------------

# Characters a sAMAccountName cannot hold: SAM-Account-Name (MS-ADA3, learn.microsoft.com
# windows/win32/adschema/a-samaccountname) lists " / \ [ ] : ; | = , + * ? < >; the Net API remarks
# (lmaccess USER_INFO_0 / GROUP_INFO_0) add characters 1-31 and a name that ends with a period.
SAM_FORBIDDEN_CHARACTERS = frozenset('"/\\[]:;|=,+*?<>')
# Length limits: 20 for users (SAM-Account-Name "Size", USER_INFO_0), 256 for groups (GROUP_INFO_0 and the
# attribute's rangeUpper); a computer-like account (computer, gMSA) is a NetBIOS computer name, 15
# characters (KB 909264 "NetBIOS computer names"), plus the trailing "$".
SAM_MAX_LENGTH = {"user": 20, "group": 256, "computer": 15}
SAM_KINDS = tuple(SAM_MAX_LENGTH)
# A group's name is also its cn (the RDN the module creates it with), and Common-Name's rangeUpper is 64
# (MS-ADA1 Common-Name), so a group the collection creates has at most 64 characters.
GROUP_NAME_MAX_LENGTH = 64
# A gMSA's sAMAccountName without "$" is a NetBIOS computer name (KB 909264) and, through its host/<name> SPN
# and dNSHostName, a DNS host label: so besides the sAMAccountName characters, "@", "$" and spaces are refused.
GMSA_NAME_MAX_LENGTH = SAM_MAX_LENGTH["computer"]
COMPUTER_FORBIDDEN_CHARACTERS = SAM_FORBIDDEN_CHARACTERS | frozenset("@ $")


def _fail(error: type[ValidationError], message: str, hint: Optional[str], option: Optional[str]) -> ValidationError:
    return error(message, hint, option=option)


def sam_account_name(
    value: Any,
    kind: str = "user",
    *,
    what: Optional[str] = None,
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
) -> str:
    """Check a sAMAccountName; return it as AD stores it.

    ``kind`` is ``user`` (at most 20 characters), ``group`` (at most 256) or ``computer`` (a computer or gMSA:
    at most 15 characters before the one trailing ``$``; the value may be given with or without it and is
    returned with it). For every kind the name is not empty, has none of ``" / \\ [ ] : ; | = , + * ? < >`` nor
    characters 1-31, does not end with a period and is not only periods and spaces; a computer-like name also
    has no ``@`` or spaces and is not only digits (``gmsa_name``). Case is kept: AD compares case-insensitively.

    Sources: SAM-Account-Name (MS-ADA3; learn.microsoft.com windows/win32/adschema/a-samaccountname); the
    remarks of USER_INFO_0 and GROUP_INFO_0 (lmaccess.h), which MS-SAMR 3.1.1.6 enforces on originating
    updates; KB 909264 "Naming conventions in Active Directory" (logon names, NetBIOS computer names).
    """
    if kind not in SAM_MAX_LENGTH:
        raise ValueError(f"kind must be one of {', '.join(SAM_KINDS)}, got {kind!r}")
    if kind == "computer":
        return gmsa_name(value, what=what or "Computer account name", option=option, error=error) + "$"
    what = what or ("Group name" if kind == "group" else "Account name")
    text = _string(value, what, option, error, "Give the account's sAMAccountName.")
    limit = SAM_MAX_LENGTH[kind]
    _check_sam_text(text, what, limit, SAM_FORBIDDEN_CHARACTERS, option, error)
    return text


def _string(value: Any, what: str, option: Optional[str], error: type[ValidationError], hint: str) -> str:
    if not isinstance(value, str):
        raise _fail(error, f"{what} must be a string, got {type(value).__name__}.", hint, option)
    if not value:
        raise _fail(error, f"{what} is empty.", hint, option)
    return value


def _check_sam_text(
    text: str,
    what: str,
    limit: int,
    forbidden: frozenset[str],
    option: Optional[str],
    error: type[ValidationError],
    length_note: str = "",
    length_hint: Optional[str] = None,
) -> None:
    bad = sorted({c for c in text if c in forbidden or ord(c) < 32})
    if bad:
        listed = " ".join(sorted(forbidden - {" "}))
        space = " or spaces" if " " in forbidden else ""
        raise _fail(
            error,
            f"{what} {text!r} contains characters AD forbids: {' '.join(repr(c) for c in bad)}.",
            f"Use letters, digits and hyphens; none of {listed}{space}.",
            option,
        )
    if len(text) > limit:
        raise _fail(
            error,
            f"{what} {text!r} is {len(text)} characters long; at most {limit} are allowed{length_note}.",
            length_hint,
            option,
        )
    if text.strip(". ") == "":
        raise _fail(error, f"{what} {text!r} is only periods or spaces, which AD refuses.", None, option)
    if text.endswith("."):
        raise _fail(error, f"{what} {text!r} ends with a period, which AD refuses.", None, option)


def gmsa_name(
    value: Any,
    *,
    what: str = "gMSA name",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
) -> str:
    """Check a gMSA's name; return it without the trailing ``$`` (as the ``name`` option and credential specs
    hold it), case kept.

    A gMSA is a computer-like account (msDS-GroupManagedServiceAccount derives from computer): its
    sAMAccountName is a NetBIOS computer name plus ``$``. So at most 15 characters, the sAMAccountName
    characters refused, and, because the name is also a host name (``host/<name>`` SPN, ``dNSHostName``),
    no ``@``, no white space, not starting or ending with a period, not only digits. One trailing ``$`` may
    be given.

    Sources: as ``sam_account_name``; KB 909264 "NetBIOS computer names" (15 characters, no leading period,
    not only digits because of DNS); Microsoft's "Create gMSAs for Windows containers" (15-character limit).
    """
    text = _string(value, what, option, error, "Give the gMSA's sAMAccountName, for example 'WebApp01'.")
    bare = text[:-1] if text.endswith("$") else text
    if not bare:
        raise _fail(error, f"{what} {text!r} is empty without its '$'.", "Give the gMSA's name.", option)
    _check_sam_text(
        bare,
        what,
        GMSA_NAME_MAX_LENGTH,
        COMPUTER_FORBIDDEN_CHARACTERS,
        option,
        error,
        " (the sAMAccountName of a computer-like account is a NetBIOS name plus $)",
        "Use the account's sAMAccountName, not its cn or DNS host name.",
    )
    if bare.startswith("."):
        raise _fail(error, f"{what} {bare!r} starts with a period, which a NetBIOS name cannot.", None, option)
    if bare.isdigit():
        raise _fail(
            error,
            f"{what} {bare!r} is only digits, which a computer-like account name cannot be (a DNS restriction).",
            "Add a letter, for example 'app" + bare + "'.",
            option,
        )
    return bare


def group_name(
    value: Any,
    *,
    what: str = "Group name",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
) -> str:
    """Check the name of a group the collection creates (sAMAccountName and cn); return it unchanged.

    A group's sAMAccountName rule (``sam_account_name(kind="group")``) with the cn limit of 64 characters
    (MS-ADA1 Common-Name rangeUpper), since the group is created as ``CN=<name>``; leading or trailing spaces
    are refused because AD trims them from the RDN.
    """
    text = sam_account_name(value, "group", what=what, option=option, error=error)
    if len(text) > GROUP_NAME_MAX_LENGTH:
        raise _fail(
            error,
            f"{what} {text!r} is {len(text)} characters long; AD allows at most {GROUP_NAME_MAX_LENGTH} "
            "(the group's cn).",
            None,
            option,
        )
    if text != text.strip():
        raise _fail(error, f"{what} {text!r} starts or ends with white space.", "Remove it.", option)
    return text


# -- SPN ----------------------------------------------------------------------------------------------------

# <service class>/<host>[:<port or instance>][/<service name>]; no part empty, none holds "/" or white space.
_SPN = re.compile(r"(?P<service>[^/\s:]+)/(?P<host>[^/:\s]+)(?::(?P<port>[^/:\s]+))?(?:/(?P<name>[^/\s]+))?")


def spn(
    value: Any,
    *,
    what: str = "SPN",
    option: Optional[str] = "spn",
    error: type[ValidationError] = ValidationError,
) -> str:
    """Check a service principal name; return it unchanged.

    Form ``<service class>/<host>[:<port>][/<service name>]`` with no empty part and no white space; a
    numeric port is 1-65535 (SQL Server's ``MSSQLSvc/host:instance`` puts a name there, so a non-numeric
    part is an instance name, as MS-ADTS distinguishes them). Sources: MS-ADTS 2.2.21 (SPN syntax:
    ``serviceclass "/" hostname [":"port | ":"instancename] ["/" servicename]``); "Name Formats for Unique
    SPNs" (learn.microsoft.com windows/win32/ad). The tighter rules of the validated write (MS-ADTS
    3.1.1.5.3.1.1.4: two parts, host one of the account's own names) bind only writers without Write
    Property on servicePrincipalName, so they are not applied here.
    """
    text = _string(value, what, option, error, "Give an SPN such as host/WebApp01.")
    match = _SPN.fullmatch(text)
    if match is None:
        raise _fail(
            error,
            f"{what} {text!r} is not valid: expected service/host[:port][/service name], such as host/WebApp01 "
            "or MSSQLSvc/sql01.contoso.com:1433, without spaces.",
            None,
            option,
        )
    port = match["port"]
    if port and port.isdigit() and not 0 < int(port) < 65536:
        raise _fail(error, f"{what} {text!r} has port {port}, outside 1-65535.", None, option)
    return text


# -- DNS and NetBIOS names ----------------------------------------------------------------------------------

DNS_NAME_MAX_LENGTH = 253  # 255 octets on the wire (RFC 1035 2.3.4) less the length byte and root label
DNS_LABEL_MAX_LENGTH = 63
_DNS_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def dns_name(
    value: Any,
    *,
    what: str = "DNS name",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
    hint: Optional[str] = None,
) -> str:
    """Check a DNS host or domain name; return it unchanged (case kept; DNS compares case-insensitively).

    Labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen (a leading digit is fine),
    separated by single dots, at most 253 characters, no trailing dot. Sources: RFC 1123 2.1, RFC 1035 2.3.1
    and 2.3.4; KB 909264 "DNS domain names".
    """
    text = _string(value, what, option, error, hint or "Give a DNS name such as contoso.com.")
    labels = text.split(".")
    bad_label = next((label for label in labels if not _DNS_LABEL.fullmatch(label)), None)
    if len(text) > DNS_NAME_MAX_LENGTH or bad_label is not None:
        reason = (
            f"it is {len(text)} characters long, at most {DNS_NAME_MAX_LENGTH} are allowed"
            if len(text) > DNS_NAME_MAX_LENGTH
            else "it has an empty label (two dots, or a leading or trailing dot)"
            if bad_label == ""
            else f"label {bad_label!r} is longer than {DNS_LABEL_MAX_LENGTH} characters"
            if len(bad_label or "") > DNS_LABEL_MAX_LENGTH
            else f"label {bad_label!r} holds other than letters, digits and inner hyphens"
        )
        raise _fail(error, f"{what} {text!r} is not a DNS name: {reason}.", hint, option)
    return text


NETBIOS_NAME_MAX_LENGTH = 15
# KB 909264 "NetBIOS domain names": \ / : * ? " < > | are disallowed, and periods must not be used in new
# names; the 16th byte of a NetBIOS name is the service suffix, so 15 characters remain.
NETBIOS_FORBIDDEN_CHARACTERS = frozenset('\\/:*?"<>|.')


def netbios_name(
    value: Any,
    *,
    what: str = "NetBIOS domain name",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
    hint: Optional[str] = None,
) -> str:
    """Check a NetBIOS domain name; return it unchanged.

    1 to 15 characters, none of ``\\ / : * ? " < > | .`` nor characters 1-31, no leading or trailing white
    space. Source: KB 909264 "NetBIOS domain names" (learn.microsoft.com troubleshoot/windows-server/
    active-directory/naming-conventions-for-computer-domain-site-ou); RFC 1001 14 (the 16th byte).
    """
    text = _string(value, what, option, error, hint or "Give the domain's NetBIOS name, for example 'CONTOSO'.")
    bad = sorted({c for c in text if c in NETBIOS_FORBIDDEN_CHARACTERS or ord(c) < 32})
    if len(text) > NETBIOS_NAME_MAX_LENGTH or bad or text != text.strip():
        raise _fail(
            error,
            f"{what} {text!r} is not valid: it must be 1 to {NETBIOS_NAME_MAX_LENGTH} characters without "
            "'\\ / : * ? \" < > | .' and without leading or trailing spaces.",
            hint,
            option,
        )
    return text


# -- SIDs and GUIDs -----------------------------------------------------------------------------------------

_SID = re.compile(r"S-1-(\d+)((?:-\d+)+)", re.IGNORECASE)
_SUB_AUTHORITY_MAX = 0xFFFFFFFF
_MAX_SUB_AUTHORITIES = 15


def sid(
    value: Any,
    *,
    what: str = "SID",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
) -> str:
    """Check a SID string; return it with an upper-case ``S`` and no leading zeros.

    ``S-1-<authority>-<sub>...``: revision 1, an authority below 2**48, 1 to 15 sub-authorities each below
    2**32. Source: MS-DTYP 2.4.2.1 (SID string format) and 2.4.2 (SubAuthorityCount at most 15).
    """
    text = _string(value, what, option, error, "Give a SID such as S-1-5-21-1004336348-1177238915-682003330-512.")
    match = _SID.fullmatch(text)
    subs = [int(part) for part in match[2].split("-")[1:]] if match else []
    if (
        not match
        or int(match[1]) >= 1 << 48
        or len(subs) > _MAX_SUB_AUTHORITIES
        or any(sub > _SUB_AUTHORITY_MAX for sub in subs)
    ):
        raise _fail(error, f"{what} {text!r} is not a SID (S-1-<authority>-<sub-authority>...).", None, option)
    return "-".join(["S", "1", str(int(match[1])), *(str(sub) for sub in subs)])


def domain_sid(
    value: Any,
    *,
    what: str = "Domain SID",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
) -> str:
    """Check a domain SID; return it normalized as ``sid`` does.

    A domain's SID is ``S-1-5-21-`` and exactly three 32-bit numbers: an account's SID adds a fourth, its
    RID, and is the mistake this rule exists to catch (a credential spec's ``DomainJoinConfig.Sid`` is the
    domain's SID, ``(Get-ADDomain).DomainSID``). Source: MS-DTYP 2.4.2.4 (well-known SID structures:
    ``S-1-5-21-<domain>`` and ``<domain>-<RID>``), MS-ADTS 6.1.1.2.3 (domain object objectSid).
    """
    text = sid(value, what=what, option=option, error=error)
    parts = text.split("-")
    if parts[2:4] != ["5", "21"] or len(parts) != 7:
        rid = len(parts) == 8 and parts[2:4] == ["5", "21"]
        raise _fail(
            error,
            f"{what} {value!r} is not a domain SID (S-1-5-21- and three numbers)"
            + (f": it has a fourth number, the RID {parts[-1]}, so it is an account's SID." if rid else "."),
            "Use the domain's objectSid (Get-ADDomain DomainSID), not an account's: drop the last number "
            "if it is an account of that domain."
            if rid
            else "Use the domain's objectSid (Get-ADDomain DomainSID).",
            option,
        )
    return text


_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def guid(
    value: Any,
    *,
    braces: str = "optional",
    what: str = "GUID",
    option: Optional[str] = None,
    error: type[ValidationError] = ValidationError,
    hint: Optional[str] = None,
) -> str:
    """Check a GUID string; return it lower case, 8-4-4-4-12, without braces.

    ``braces`` is ``optional`` (``{...}`` or bare), ``forbidden`` (bare only, as ``ConvertTo-Json`` writes a
    ``System.Guid`` in a credential spec) or ``required``. A ``uuid.UUID`` is accepted as is. Source:
    MS-DTYP 2.3.4.3 (GUID curly-braced string form), RFC 4122 3.
    """
    if braces not in ("optional", "forbidden", "required"):
        raise ValueError(f"braces must be optional, forbidden or required, got {braces!r}")
    if isinstance(value, uuid.UUID):
        return str(value)
    text = value.strip() if isinstance(value, str) else None
    braced = bool(text) and text.startswith("{") and text.endswith("}")  # type: ignore[union-attr]
    bare = text[1:-1] if braced else text  # type: ignore[index]
    if (
        bare is None
        or not _GUID.fullmatch(bare)
        or (braces == "forbidden" and braced)
        or (braces == "required" and not braced)
    ):
        form = {
            "optional": "8-4-4-4-12 hex digits, with or without braces",
            "forbidden": "8-4-4-4-12 hex digits without braces",
            "required": "8-4-4-4-12 hex digits in braces",
        }[braces]
        raise _fail(error, f"{what} {value!r} is not a GUID.", hint or f"Give {form}.", option)
    return bare.lower()


# -- reporting instead of raising ---------------------------------------------------------------------------


def problem(rule: Callable[..., Any], value: Any, *args: Any, **kwargs: Any) -> Optional[str]:
    """Run ``rule(value, *args, **kwargs)``; return None when it passes, else its message and hint."""
    try:
        rule(value, *args, **kwargs)
    except ValidationError as exc:
        return str(exc)
    return None
