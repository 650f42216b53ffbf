"""The 1.x scalar types (``fraiseql.types``), mapped to the native server's scalars.

Each name is a marker class usable as a type hint (``id: ID``, ``email: EmailAddress``). The
native server has fewer scalars than 1.x (product spec §2): a 1.x scalar without a native
counterpart is exported as the scalar it is carried as (``String`` for text formats such as
``EmailAddress`` or ``PhoneNumber``), so it reads and filters as that scalar; 1.x's
format validation of those values is not done by the native server (docs/python.md).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import uuid as _uuid


class _Scalar:
    """Base of the marker classes; ``__graphql__`` is the native scalar exported."""

    __graphql__ = "String"


def _scalar(name: str, graphql: str, base: type = _Scalar) -> type:
    return type(name, (base,), {"__graphql__": graphql, "__module__": __name__})


ID = _scalar("ID", "ID")
UUID = _scalar("UUID", "UUID")
DateTime = _scalar("DateTime", "DateTime")
Date = _scalar("Date", "Date")
Time = _scalar("Time", "Time")
JSON = _scalar("JSON", "JSON")
Decimal = _scalar("Decimal", "Decimal")
BigInt = _scalar("BigInt", "BigInt")
IpAddress = _scalar("IpAddress", "IpAddress")
IPv4 = _scalar("IPv4", "IpAddress")
IPv6 = _scalar("IPv6", "IpAddress")
CIDR = _scalar("CIDR", "CIDR")
MacAddress = _scalar("MacAddress", "MacAddress")
LTree = _scalar("LTree", "LTree")
DateRange = _scalar("DateRange", "DateRange")
Vector = _scalar("Vector", "Vector")
Port = _scalar("Port", "Int")
Latitude = _scalar("Latitude", "Float")
Longitude = _scalar("Longitude", "Float")
Percentage = _scalar("Percentage", "Float")
Money = _scalar("Money", "Decimal")

# Text formats: carried as String by the native server.
_TEXT = ("EmailAddress PhoneNumber URL Hostname Slug Markdown HTML MimeType Color CurrencyCode "
         "LanguageCode LocaleCode Timezone IBAN ISIN CUSIP SEDOL LEI MIC VIN SemanticVersion "
         "AirportCode FlightNumber ContainerNumber TrackingNumber StockSymbol Duration "
         "Coordinates PostalCode").split()
for _n in _TEXT:
    globals()[_n] = _scalar(_n, "String")

# Python types a 1.x application annotates with directly.
PYTHON_SCALARS = {
    str: "String", int: "Int", float: "Float", bool: "Boolean",
    _uuid.UUID: "UUID", _dt.datetime: "DateTime", _dt.date: "Date", _dt.time: "Time",
    _decimal.Decimal: "Decimal", dict: "JSON",
}


def graphql_scalar(tp: object) -> str | None:
    """The native scalar name of a Python or 1.x scalar type, else None."""
    if isinstance(tp, type) and issubclass(tp, _Scalar):
        return tp.__graphql__
    return PYTHON_SCALARS.get(tp)  # type: ignore[call-overload]
