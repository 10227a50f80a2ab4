"""Print a local-mode bearer token: python -m shared.token --role operator --org org-demo."""

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from shared.auth import AuthSettings, Role, issue_token


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared.token",
        description="Print a bearer token signed with PERCORSI_AUTH_LOCAL_SECRET (local mode only).",
    )
    parser.add_argument("--role", required=True, choices=[role.value for role in Role])
    parser.add_argument("--org", required=True, help="organisation id the token acts for")
    parser.add_argument("--sub", default="local-user", help="subject (user id); default: local-user")
    parser.add_argument(
        "--ttl", type=_positive_int, help="lifetime in seconds; default: PERCORSI_AUTH_TOKEN_TTL_S"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Print the token alone on stdout, so scripts can capture it; errors go to stderr."""
    args = _parser().parse_args(argv)
    try:
        settings = AuthSettings()
        token = issue_token(
            settings, subject=args.sub, role=Role(args.role), organisation_id=args.org, ttl_s=args.ttl
        )
    except ValidationError as exc:
        reasons = "; ".join(error["msg"] for error in exc.errors())
        print(f"shared.token: invalid auth settings: {reasons}", file=sys.stderr)
        return 1
    except (RuntimeError, ValueError) as exc:
        print(f"shared.token: {exc}", file=sys.stderr)
        return 1
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
