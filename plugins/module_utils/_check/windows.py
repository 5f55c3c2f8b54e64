# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guide's known issues by Windows build: container hostname, several containers sharing one gMSA, Hyper-V
isolation.
"""

from __future__ import annotations

from typing import Any

from .findings import ERROR, WARNING, Finding, ok

# Windows builds named in the guide's known issues (Windows Server 2016 = 1607, then 1703, 1709, 1803, 1809).
BUILD_2016 = 14393
BUILD_1809 = 17763
HYPERV_GMSA_BROKEN_BUILDS = {15063: "1703", 16299: "1709", 17134: "1803"}
WINDOWS_RELEASES = {
    "2016": BUILD_2016,
    "1607": BUILD_2016,
    "1703": 15063,
    "1709": 16299,
    "1803": 17134,
    "1809": BUILD_1809,
    "2019": BUILD_1809,
    "2022": 20348,
    "2025": 26100,
}


def parse_windows_build(value: Any) -> int:
    """A build number from ``14393``, ``"10.0.17763.1234"``, ``"17763"`` or a release name (``2016``, ``1809``)."""
    text = str(value).strip()
    if text.lower().startswith(("ltsc", "windows server ")):
        text = text.lower().replace("windows server ", "").replace("ltsc", "")
    if text in WINDOWS_RELEASES:
        return WINDOWS_RELEASES[text]
    parts = text.split(".")
    candidate = parts[2] if len(parts) >= 3 and parts[0] == "10" else parts[0]
    if candidate.isdigit() and int(candidate) >= 10240:
        return int(candidate)
    raise ValueError(
        f"windows_build {value!r} is not a Windows build: give the build number ([Environment]::OSVersion, e.g. "
        "17763 or 10.0.17763.1234) or a release (2016, 1709, 1803, 1809, 2019, 2022)."
    )


def evaluate_container_rules(
    gmsa_name: str,
    build: int,
    hostname: str | None = None,
    container_count: int | None = None,
    isolation: str | None = None,
) -> list[Finding]:
    """The guide's known issues for the host's build (pure): hostname, sharing one gMSA, Hyper-V isolation."""
    if build < BUILD_2016:
        return [
            Finding(
                "container_hostname",
                ERROR,
                f"Build {build} predates Windows Server 2016 (14393): its containers cannot use gMSAs.",
                "Run the containers on Windows Server 2016 or later; 2019 (17763) or later avoids the hostname rule.",
            )
        ]
    findings = [_hostname_finding(gmsa_name, build, hostname), _sharing_finding(gmsa_name, build, container_count)]
    if isolation == "hyperv" and build in HYPERV_GMSA_BROKEN_BUILDS:
        release = HYPERV_GMSA_BROKEN_BUILDS[build]
        findings.append(
            Finding(
                "container_isolation",
                ERROR,
                f"Hyper-V isolated containers with a gMSA hang or fail to start on version {release} (build {build}).",
                "Use process isolation on this host, or Windows Server 2019 / Windows 10 1809 or later (Windows "
                "Server 2016 / 1607 works too).",
            )
        )
    elif isolation:
        findings.append(ok("container_isolation", f"{isolation} isolation works with gMSAs on build {build}."))
    return findings


def _hostname_finding(gmsa_name: str, build: int, hostname: str | None) -> Finding:
    check = "container_hostname"
    if build >= BUILD_1809:
        return ok(check, f"Build {build} (Windows Server 2019 / 1809 or later): any container hostname works.")
    fix = f"Start the containers with --hostname {gmsa_name.lower()} (the gMSA name, without domain)."
    if hostname is None:
        return Finding(
            check,
            WARNING,
            f"On build {build} the container hostname must equal the gMSA name {gmsa_name}: otherwise inbound NTLM "
            "and name/SID translation fail (Kerberos still works).",
            fix,
        )
    if hostname.lower() == gmsa_name.lower():
        return ok(check, f"Container hostname {hostname} equals the gMSA name, as build {build} requires.")
    return Finding(
        check,
        ERROR,
        f"Container hostname {hostname} differs from the gMSA name {gmsa_name}: on build {build} inbound NTLM and "
        "name/SID translation fail"
        + (" (give the short name, not the FQDN)." if hostname.split(".", 1)[0].lower() == gmsa_name.lower() else "."),
        fix,
    )


def _sharing_finding(gmsa_name: str, build: int, count: int | None) -> Finding:
    check = "container_gmsa_sharing"
    if build >= BUILD_1809:
        return ok(check, f"Build {build}: several containers may use gMSA {gmsa_name} at the same time.")
    if count is not None and count <= 1:
        return ok(check, f"One container uses gMSA {gmsa_name} at a time on build {build}.")
    if count:
        found = f"{count} containers using gMSA {gmsa_name} at the same time on build {build} cancel"
    else:
        found = f"On build {build}, containers that use gMSA {gmsa_name} at the same time cancel"
    return Finding(
        check,
        WARNING,
        f"{found} each other's connections to the DC (they all share one hostname): intermittent authentication "
        "and trust failures (nltest /sc_verify).",
        "Give each concurrent container its own gMSA, or move them to Windows Server 2019 (17763) or later.",
    )
