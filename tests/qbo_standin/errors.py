"""Fault bodies in the shapes QuickBooks Online sends them."""

from __future__ import annotations

from typing import Any


class QBOFault(Exception):
    """A service fault: ``{"Fault": {"Error": [...], "type": ...}, "time": ...}``.

    ``http_status`` is what the real service answers with for these faults: 400 for validation,
    business and query errors (also 610 Object Not Found and 5010 Stale Object).
    """

    def __init__(self, code: str | int, message: str, detail: str = "", element: str = "",
                 fault_type: str = "ValidationFault", http_status: int = 400):
        super().__init__(f"{code} {message}: {detail}")
        self.code = str(code)
        self.message = message
        self.detail = detail
        self.element = element
        self.fault_type = fault_type
        self.http_status = http_status

    def fault(self) -> dict[str, Any]:
        return {
            "Error": [{
                "Message": self.message,
                "Detail": self.detail,
                "code": self.code,
                "element": self.element,
            }],
            "type": self.fault_type,
        }


# Messages and details follow Intuit's error-code pages; the "Detail" texts are the
# documented templates with the blanks filled in.

def object_not_found(entity: str, obj_id: str) -> QBOFault:
    return QBOFault("610", "Object Not Found",
                    "Object Not Found : Something you're trying to use has been made inactive. "
                    "Check the fields with accounts, customers, items, vendors or employees.",
                    element="")


def stale_object(entity: str, obj_id: str, sent: str, current: str) -> QBOFault:
    return QBOFault("5010", "Stale Object Error",
                    f"Stale Object Error : You and QuickBooks Stand-in were working on this at "
                    f"the same time. QuickBooks Stand-in finished before you did, so your work "
                    f"was not saved. ({entity} Id={obj_id}: SyncToken {sent!r} sent, "
                    f"current is {current!r})")


def invalid_reference(element: str, detail: str) -> QBOFault:
    return QBOFault("2500", "Invalid Reference Id", f"Invalid Reference Id : {detail}",
                    element=element)


def duplicate_name(name: str) -> QBOFault:
    return QBOFault("6240", "Duplicate Name Exists Error",
                    f"The name supplied already exists. : Another customer, vendor or employee "
                    f"is already using this name ({name}). Please use a different name.")


def required_param(element: str) -> QBOFault:
    return QBOFault("2020", "Required param missing, need to supply the required value for the API",
                    f"Required parameter {element} is missing in the request", element=element)


def business_validation(detail: str) -> QBOFault:
    return QBOFault("6000", "A business validation error has occurred while processing your request",
                    f"Business Validation Error: {detail}")


def unsupported_operation(detail: str) -> QBOFault:
    return QBOFault("500", "Unsupported Operation", detail)


def invalid_property(entity: str, prop: str) -> QBOFault:
    return QBOFault("2010", "Request has invalid or unsupported property",
                    f"Property Name:Unrecognized field \"{prop}\" (class "
                    f"com.intuit.schema.finance.v3.{entity}), not marked as ignorable specified "
                    f"is unsupported or invalid", element=prop)


def throttle_xml(time_str: str) -> str:
    """The 429 body QuickBooks sends, in XML even when JSON was asked for."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<IntuitResponse time="{time_str}" xmlns="http://schema.intuit.com/finance/v3">\n'
        '    <Fault type="SERVICE">\n'
        '        <Error code="3001">\n'
        '            <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>\n'
        '            <Detail>The request limit was reached.  Try again later</Detail>\n'
        '        </Error>\n'
        '    </Fault>\n'
        '</IntuitResponse>'
    )


def throttle_json(time_str: str) -> dict[str, Any]:
    return {
        "Fault": {
            "Error": [{
                "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                "Detail": "The request limit was reached.  Try again later",
                "code": "3001",
                "element": "",
            }],
            "type": "SERVICE",
        },
        "time": time_str,
    }


def auth_fault_body(code: str, message: str, detail: str, fault_type: str,
                    epoch_ms: int) -> dict[str, Any]:
    """The 401/403 body of the API gateway.

    Unlike every other fault it is lower-case JSON with null-filled siblings (as observed on
    real responses by several public clients), e.g. ``{"fault": {"error": [{"message":
    "message=AuthenticationFailed; errorCode=003200; statusCode=401", ...}], "type":
    "AUTHENTICATION"}, ...}``.
    """
    return {
        "warnings": None,
        "intuitObject": None,
        "fault": {
            "error": [{
                "message": message,
                "detail": detail,
                "code": code,
                "element": None,
            }],
            "type": fault_type,
        },
        "report": None,
        "queryResponse": None,
        "batchItemResponse": [],
        "attachableResponse": [],
        "syncErrorResponse": None,
        "requestId": None,
        "time": epoch_ms,
        "status": None,
        "cdcresponse": [],
    }
