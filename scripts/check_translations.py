"""Fail when a translatable string has no Khmer translation, or when the Khmer catalogue does not compile.
Run from the clone's root with the virtual environment's Python (.ci/run does)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "samleng" / "locale" / "km" / "LC_MESSAGES" / "django.po"
SAMLENG = str(Path(sys.executable).parent / "samleng")


def untranslated(po_text: str) -> list[str]:
    missing = []
    for entry in re.split(r"\n\s*\n", po_text):
        if "#, fuzzy" in entry and 'msgid ""\nmsgstr' not in entry:
            missing.append(entry.strip().splitlines()[-2] if entry.strip() else "?")
            continue
        parts = re.split(r"^msgstr(?:\[\d+\])? ", entry, flags=re.M)
        if len(parts) < 2:
            continue
        msgid = "".join(re.findall(r'"(.*)"', parts[0].split("msgid", 1)[-1]))
        if msgid and any(not "".join(re.findall(r'"(.*)"', p)) for p in parts[1:]):
            missing.append(msgid)
    return missing


def main() -> int:
    # Gather every string of the source into the catalogue, so that a new string without a
    # translation is caught even when nobody ran makemessages.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samleng.settings"}
    subprocess.run([SAMLENG, "makemessages", "-l", "km", "--no-location", "--no-obsolete", "-v", "0"],
                   cwd=ROOT / "samleng", check=True, env=env)
    missing = untranslated(PO.read_text(encoding="utf-8"))
    for msgid in missing:
        print(f"no Khmer translation: {msgid!r}")
    check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(PO)])
    if missing or check.returncode:
        print(f"{len(missing)} string(s) without a Khmer translation" if missing else "msgfmt failed")
        return 1
    print("Khmer translations: complete and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
