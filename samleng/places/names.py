"""Romanisation-tolerant keys for place names. Cambodian names are romanised many ways ("Kampong" /
"Kompong", "Mongkol Borei" / "Mangkul Bourei", "Kleng" / "Klaeng"); the key folds the usual variants."""

import re
import unicodedata


def romanised_key(name: str) -> str:
    """A crude phonetic key of a romanised name; places.lookup refines matches with fuzzy scores."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z ]+", " ", text)
    text = re.sub(r"\b(khan|srok|krong|sangkat|khum|phum|province|district|commune|village|municipality)\b",
                  " ", text)
    for pattern, repl in _FOLDS:
        text = re.sub(pattern, repl, text)
    return re.sub(r"\s+", "", text)


_FOLDS = [
    (r"kh", "k"), (r"ph", "p"), (r"th", "t"), (r"ch", "c"),
    (r"(ae|ai|ay|ei|ey|e)", "e"), (r"(ou|oo|u|o)", "o"), (r"(ao|au)", "o"), (r"(ea|ie|ia)", "e"),
    (r"y", "i"), (r"(.)\1+", r"\1"), (r"[aeiou](?=[aeiou])", ""), (r"m(?=[bp])", "n"),
]
