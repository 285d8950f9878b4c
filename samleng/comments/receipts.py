"""Receipt codes: what a commenter keeps to follow a comment without an account.

Twelve characters of Crockford's base 32 (no I, L, O or U, so that nothing is misread aloud or on a phone),
shown in groups of four: 60 random bits, so that guessing one among a million comments takes about 10^12
tries (and following is rate-limited per client). The database keeps only an HMAC of the code with a key
derived from SECRET_KEY: a leaked table does not give the codes, and cannot be searched for a code someone
holds without the key."""

import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def receipt_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def receipt_display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def receipt_clean(typed: str) -> str:
    """What a person typed, read as a code: case, spaces and dashes ignored, O read as 0, I and L as 1."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum()).translate(_READ_AS)


def receipt_hash(code: str) -> str:
    return salted_hmac("samleng.comments.receipt", receipt_clean(code), algorithm="sha256").hexdigest()
