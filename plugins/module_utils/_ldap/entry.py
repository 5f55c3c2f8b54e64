# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One search result, as every backend reads it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Entry:
    """A search result: the DN and the raw attribute values (attribute names lower-cased)."""

    dn: str
    attributes: dict[str, list[bytes]]

    def values(self, name: str) -> list[bytes]:
        return self.attributes.get(name.lower(), [])

    def first(self, name: str) -> bytes | None:
        values = self.values(name)
        return values[0] if values else None

    def text(self, name: str) -> str | None:
        value = self.first(name)
        return value.decode("utf-8") if value is not None else None

    def texts(self, name: str) -> list[str]:
        return [v.decode("utf-8") for v in self.values(name)]

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        return int(value) if value is not None else None
