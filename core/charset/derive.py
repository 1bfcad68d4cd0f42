"""Derive the shipped 住基統一文字 tables from the pinned ``@mandel59/mojidata`` package.

    python -m core.charset.derive            # npm pack the pinned version, write data/
    python -m core.charset.derive --check    # same, but only compare with data/ (exit 1)
    python -m core.charset.derive --tarball mandel59-mojidata-1.8.1.tgz

The package bundles the MJ文字情報一覧表 and the MJ縮退マップ (IPA, CC BY-SA 2.1 JP)
in ``dist/moji.db``. Only the tarball whose version and SHA-256 are pinned below is
accepted: the committed files must be reproducible byte for byte from it.

Files written to ``core/charset/data/`` (hex code points, space-separated):

- ``juki.tsv``  ``J+<TAB>MJ<TAB>form<TAB>also``: for each row of the MJ table with a
  住基ネット統一文字コード, its form is the 実装したUCS when present, else the
  実装したMoji_JohoコレクションIVS (this is one-to-one); ``also`` is the Moji_Joho
  IVS of a row that has both, accepted on the way in.
- ``nonkanji.tsv``  the non-kanji repertoire, one code a line, J+ = U+ (the rule,
  since the MJ table has no non-kanji): ASCII 0020–007E, JIS X 0201 katakana
  FF61–FF9F, and the characters of JIS X 0213:2004 plane 1 rows 1–13 (non-kanji)
  that are one code point within 0020–33FF or FF00–FFFE (read from Python's
  ``euc_jis_2004`` codec), except those the MJ table gives another J+ code
  (々 U+3005 is J+AD1D).
- ``suggest.tsv``  ``form<TAB>J+ …``: for a plain character that is a J+ form only
  with an IVS, those J+ codes first; for each MJ glyph whose form has no J+ code,
  the J+ codes of its 縮退 forms, in this order of tables: 法務省告示582号別表第四
  (一, 二, by 順位), JIS包摂規準UCS統合規則, 戸籍統一文字情報_親字正字, 民一2842号通達
  (俗字, 別字, 無印), 民二5202号通知, 読み字形による類推, 辞書類等による関連字.
- ``fold.tsv``  ``code<TAB>folded``: for search; for each MJ glyph with a one-code-point
  実装したUCS, the first 縮退UCS different from it from JIS包摂規準UCS統合規則, then
  戸籍統一文字情報_親字正字, then 別表第四 (一, 二), followed to the end of the chain
  (a cycle folds to its smallest code point), so folding twice changes nothing.
- ``ATTRIBUTION.txt``, and the package's ``LICENSE.md`` and ``download.txt`` as shipped.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "@mandel59/mojidata"
VERSION = "1.8.1"
TARBALL = f"mandel59-mojidata-{VERSION}.tgz"
SHA256 = "d51b41cc0164211090757eb2f5e74cd343a1cae82061b14082c4f436891b87b4"
DATA = Path(__file__).resolve().parent / "data"
FILES = (
    "juki.tsv",
    "nonkanji.tsv",
    "suggest.tsv",
    "fold.tsv",
    "ATTRIBUTION.txt",
    "LICENSE.md",
    "download.txt",
)

SUGGEST_TABLES = (
    ("法務省告示582号別表第四_一", '"順位"'),
    ("法務省告示582号別表第四_二", '"順位"'),
    ("JIS包摂規準UCS統合規則", None),
    ("戸籍統一文字情報_親字正字", '"ホップ数"'),
    ("民一2842号通達別表_誤字俗字正字一覧表_俗字", None),
    ("民一2842号通達別表_誤字俗字正字一覧表_別字", None),
    ("民一2842号通達別表_誤字俗字正字一覧表_無印", None),
    ("民二5202号通知別表_正字俗字等対照表", None),
    ("読み字形による類推", None),
    ("辞書類等による関連字", None),
)
FOLD_TABLES = (
    ("JIS包摂規準UCS統合規則", None),
    ("戸籍統一文字情報_親字正字", '"ホップ数"'),
    ("法務省告示582号別表第四_一", '"順位"'),
    ("法務省告示582号別表第四_二", '"順位"'),
)

ATTRIBUTION = f"""\
住基統一文字 tables shipped with renkei (core/charset/data/)

juki.tsv, suggest.tsv and fold.tsv are derived from
  - the MJ文字情報一覧表 (List of MJ Characters), mji.00602, and
  - the MJ縮退マップ (MJ Map) Ver.1.2.0, including 法務省告示582号 別表第四,
  © 独立行政法人情報処理推進機構 Information-technology Promotion Agency, Japan (IPA);
  now maintained by 一般社団法人 文字情報技術促進協議会 (CITPC),
  https://moji.or.jp/mojikiban/mjlist/ and https://moji.or.jp/mojikiban/map/
  Licensed under Creative Commons Attribution-ShareAlike 2.1 Japan (CC BY-SA 2.1 JP):
  https://creativecommons.org/licenses/by-sa/2.1/jp/legalcode
  These derived files are shared under the same licence.

They were read from dist/moji.db of the npm package {PACKAGE}@{VERSION}
(© Ryusei Yamaguchi, MIT licence; see LICENSE.md; the sources it bundles, with
their SHA-256 and URLs, are listed in download.txt), tarball SHA-256
{SHA256}, by `python -m core.charset.derive`.

Changes made: only the columns 住基ネット統一文字コード, MJ文字図形名, 実装したUCS and
実装したMoji_JohoコレクションIVS of the MJ table and the 縮退UCS of the 縮退マップ are
kept, rewritten as hexadecimal code points; the rules that select them are written
at the top of core/charset/derive.py.

nonkanji.tsv is not MJ data: it lists the non-kanji of JIS X 0213:2004 plane 1
rows 1-13 within 0020-33FF and FF00-FFFE, plus ASCII 0020-007E and JIS X 0201
katakana, taken as 住基統一文字 with J+ = U+ (read from Python's euc_jis_2004 codec).
"""


class DeriveError(Exception):
    """The tarball cannot be fetched or is not the pinned one."""


def fetch(folder: Path) -> Path:
    """``npm pack`` the pinned version into ``folder``."""
    npm = shutil.which("npm")
    if npm is None:
        raise DeriveError("npm is not installed: cannot fetch the pinned tarball")
    result = subprocess.run(
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    path = folder / TARBALL
    if result.returncode != 0 or not path.exists():
        raise DeriveError(f"npm pack {PACKAGE}@{VERSION} failed: {result.stderr.strip()[-500:]}")
    return path


def verify(tarball: Path) -> None:
    digest = hashlib.sha256()
    with tarball.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != SHA256:
        raise DeriveError(
            f"{tarball}: SHA-256 {digest.hexdigest()} is not the pinned {SHA256} "
            f"({PACKAGE}@{VERSION}); refusing to derive from it"
        )


def unpack(tarball: Path, folder: Path) -> dict[str, Path]:
    wanted = {"package/dist/moji.db", "package/LICENSE.md", "package/download.txt"}
    out: dict[str, Path] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name in wanted and member.isfile():
                source = archive.extractfile(member)
                assert source is not None
                target = folder / Path(member.name).name
                with target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
                out[target.name] = target
    missing = {Path(w).name for w in wanted} - set(out)
    if missing:
        raise DeriveError(f"{tarball}: missing {', '.join(sorted(missing))}")
    return out


def _hex(text: str) -> str:
    return " ".join(f"{ord(c):04X}" for c in text)


def _lines(header: str, rows: Iterable[str]) -> bytes:
    return ("".join(f"# {h}\n" for h in header.splitlines()) + "".join(rows)).encode("utf-8")


def derive_juki(db: sqlite3.Connection) -> tuple[bytes, dict[str, int]]:
    """juki.tsv, and form → J+ (for the other tables)."""
    rows = db.execute(
        'SELECT "住基ネット統一文字コード", "MJ文字図形名", "実装したUCS",'
        ' "実装したMoji_JohoコレクションIVS" FROM mji'
        ' WHERE "住基ネット統一文字コード" IS NOT NULL'
    ).fetchall()
    seen: dict[int, str] = {}
    forms: dict[str, int] = {}
    lines = []
    for code_text, mj, ucs, ivs in sorted(rows, key=lambda r: int(r[0][2:], 16)):
        code = int(code_text[2:], 16)
        form = ucs or ivs
        if not form or code in seen:
            raise DeriveError(f"J+{code:04X} ({mj}): no form, or a second row")
        if form in forms:
            raise DeriveError(f"J+{code:04X}: form {_hex(form)} already J+{forms[form]:04X}")
        seen[code] = form
        forms[form] = code
        also = ivs if ucs and ivs else ""
        lines.append(f"{code:04X}\t{mj.removeprefix('MJ')}\t{_hex(form)}\t{_hex(also)}\n")
    header = (
        "住基統一文字 ⇄ Unicode, derived from the MJ文字情報一覧表 "
        "(CC BY-SA 2.1 JP, see ATTRIBUTION.txt)\n"
        "J+<TAB>MJ文字図形名 number<TAB>form (実装したUCS, else Moji_Joho IVS)<TAB>also accepted"
    )
    return _lines(header, lines), forms


def derive_nonkanji(forms: dict[str, int]) -> bytes:
    codes: set[int] = set(range(0x20, 0x7F)) | set(range(0xFF61, 0xFFA0))
    for row in range(1, 14):
        for cell in range(1, 95):
            try:
                text = bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jis_2004")
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                cp = ord(text)
                if (0x20 <= cp <= 0x33FF or 0xFF00 <= cp <= 0xFFFE) and text not in forms:
                    codes.add(cp)  # 々 is J+AD1D in the MJ table: the MJ table wins
    header = (
        "住基統一文字 non-kanji repertoire, J+ = U+ (rule: see core/charset/derive.py)\n"
        "ASCII 0020-007E, JIS X 0201 katakana, JIS X 0213:2004 plane 1 rows 1-13 "
        "within 0020-33FF / FF00-FFFE"
    )
    return _lines(header, (f"{cp:04X}\n" for cp in sorted(codes)))


def _shrink(
    db: sqlite3.Connection, tables: tuple[tuple[str, str | None], ...]
) -> dict[str, list[str]]:
    """MJ 文字図形名 → its 縮退UCS in the order of ``tables`` (then of their rank)."""
    out: dict[str, list[str]] = {}
    for table, rank in tables:
        order = f"{rank}, rowid" if rank else "rowid"
        for mj, target in db.execute(
            f'SELECT "MJ文字図形名", "縮退UCS" FROM "mjsm_{table}" ORDER BY {order}'
        ):
            targets = out.setdefault(mj, [])
            if target not in targets:
                targets.append(target)
    return out


def derive_suggest(db: sqlite3.Connection, forms: dict[str, int]) -> bytes:
    shrink = _shrink(db, SUGGEST_TABLES)
    rows = db.execute(
        'SELECT "MJ文字図形名", "実装したUCS", "実装したMoji_JohoコレクションIVS" FROM mji'
    ).fetchall()
    found: dict[str, list[int]] = {}
    for mj, ucs, ivs in rows:
        for form in (ucs, ivs):
            if not form or form in forms or form in found:
                continue
            codes = [forms[t] for t in shrink.get(mj, []) if t in forms]
            codes = list(dict.fromkeys(codes))
            if codes:
                found[form] = codes
    by_base: dict[str, list[int]] = {}  # a plain base whose every J+ form has an IVS
    for form, code in forms.items():
        if len(form) == 2 and form[0] not in forms:
            by_base.setdefault(form[0], []).append(code)
    for base, codes in by_base.items():
        found[base] = sorted(codes) + [c for c in found.get(base, []) if c not in codes]
    header = (
        "縮退 suggestions from the MJ縮退マップ incl. 法務省告示582号別表第四 (CC BY-SA 2.1 JP)\n"
        "form without a J+ code<TAB>J+ codes of its 縮退 forms, best first"
    )
    lines = (
        f"{_hex(form)}\t{' '.join(f'{c:04X}' for c in codes)}\n"
        for form, codes in sorted(found.items(), key=lambda item: [ord(c) for c in item[0]])
    )
    return _lines(header, lines)


def derive_fold(db: sqlite3.Connection) -> bytes:
    shrink = _shrink(db, FOLD_TABLES)
    step: dict[str, str] = {}
    for mj, ucs in db.execute('SELECT "MJ文字図形名", "実装したUCS" FROM mji ORDER BY rowid'):
        if not ucs or len(ucs) != 1 or ucs in step:
            continue
        target = next((t for t in shrink.get(mj, []) if t != ucs and len(t) == 1), None)
        if target is not None:
            step[ucs] = target
    folded: dict[str, str] = {}
    for source in step:
        path = [source]
        target = step[source]
        while target in step and target not in path:  # follow the chain to its end
            path.append(target)
            target = step[target]
        if target in path:  # a cycle (㿉 → 㿗 → 㿉): its smallest code point stands for it
            target = min(path[path.index(target) :])
        if target != source:
            folded[source] = target
    header = (
        "search folding from the MJ縮退マップ (CC BY-SA 2.1 JP): code<TAB>folded code\n"
        "rule: first 縮退UCS that differs, from JIS包摂規準UCS統合規則, 戸籍統一文字情報_親字正字, "
        "別表第四 一/二; chains followed, a cycle to its smallest code point"
    )
    lines = (f"{ord(s):04X}\t{ord(t):04X}\n" for s, t in sorted(folded.items()))
    return _lines(header, lines)


def derive(tarball: Path) -> dict[str, bytes]:
    """Every file of ``data/`` from the pinned tarball, as bytes."""
    verify(tarball)
    with tempfile.TemporaryDirectory(prefix="renkei-derive-") as tmp:
        parts = unpack(tarball, Path(tmp))
        db = sqlite3.connect(f"file:{parts['moji.db']}?mode=ro", uri=True)
        try:
            juki, forms = derive_juki(db)
            out = {
                "juki.tsv": juki,
                "nonkanji.tsv": derive_nonkanji(forms),
                "suggest.tsv": derive_suggest(db, forms),
                "fold.tsv": derive_fold(db),
            }
        finally:
            db.close()
        out["ATTRIBUTION.txt"] = ATTRIBUTION.encode("utf-8")
        out["LICENSE.md"] = parts["LICENSE.md"].read_bytes()
        out["download.txt"] = parts["download.txt"].read_bytes()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.charset.derive", description=__doc__)
    parser.add_argument("--tarball", type=Path, help=f"{TARBALL} (default: npm pack it)")
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="renkei-npm-") as tmp:
            tarball = args.tarball or fetch(Path(tmp))
            files = derive(tarball)
    except DeriveError as exc:
        print(f"derive: {exc}", file=sys.stderr)
        return 2
    differ = []
    for name, data in files.items():
        target = args.out / name
        current = target.read_bytes() if target.exists() else None
        if current != data:
            differ.append(name)
            if not args.check:
                from core.durable import write_atomic

                args.out.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data, mode=0o644)
        print(f"{name}: {len(data)} bytes{' (differs)' if current != data else ''}")
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
