"""Realistic registrations for the end-to-end tests."""

from __future__ import annotations

from datetime import date, timedelta


def check_char(first15: str) -> str:
    odd = {**dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21], strict=True)),
           **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                                                     12, 14, 16, 10, 22, 25, 24, 23], strict=True))}
    even = {**{str(d): d for d in range(10)}, **{c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}}
    total = sum((odd if i % 2 == 0 else even)[c] for i, c in enumerate(first15))
    return chr(ord("A") + total % 26)


def fiscal_code(surname3: str, name3: str, birth: date, sex: str, place: str = "Z345") -> str:  # Somalia
    months = "ABCDEHLMPRST"
    day = birth.day + (40 if sex == "F" else 0)
    first15 = f"{surname3}{name3}{birth.year % 100:02d}{months[birth.month - 1]}{day:02d}{place}"
    return first15 + check_char(first15)


def project(code: str) -> dict:
    """A funding line for an admin to register (POST /api/v1/projects) before people are taken in charge in it."""
    return {"funder": "fami", "code": code, "title": "Rifugiato Cittadino", "territories": ["RM"],
            "start_date": (date.today() - timedelta(days=30)).isoformat(),
            "end_date": (date.today() + timedelta(days=700)).isoformat(),
            "budget": [{"work_package": "work", "amount_eur": "50000"}]}


def registration(first: str, last: str, sex: str, birth: date, *, with_code: bool = True, **extra) -> dict:
    body = {
        "first_name": first, "last_name": last, "sex": sex, "birth_date": birth.isoformat(),
        "birth_country": "SO", "citizenship": "SO", "legal_status": "refugee",
        "reception": {"kind": "sai", "must_leave_by": (date.today() + timedelta(days=90)).isoformat()},
        "household": {"size": 1, "children": [], "single_parent": False},
        "italian_level": "A1", "languages": ["so", "en"],
        "contacts": {"phone": "+39 333 1234567", "email": f"{first.lower()}@example.org"},
        "consent": {"given": True, "date": date.today().isoformat(), "scope": ["processing", "funder_reporting"]},
        "project_ids": ["FAMI-2024-001"],
    }
    if with_code:
        body["fiscal_code"] = fiscal_code((last.upper() + "XXX")[:3], (first.upper() + "XXX")[:3], birth, sex)
    return body | extra
