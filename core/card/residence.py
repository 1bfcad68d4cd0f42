"""Reading a Residence Card / SPR certificate chip, both generations.

The flow, each step once: the card number's form is checked before any APDU;
public reads (common data C0 — an extended-length read, so a reader that cannot
carry extended APDUs is found before authentication — and the card type C1);
types 07/08 are refused there; GET CHALLENGE and a single MUTUAL AUTHENTICATE
(never retried: the chip may count failures); VERIFY of the number; secure
reads of DF1 and plain reads of DF2 and DF3 as ``layout.toml`` lists them; the
signature check. The face photo is read only for the signature and dropped;
images stay in memory in the result and are never written anywhere.
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from core.card import apdu, genuine, sm, tlv
from core.card.errors import (
    CardDataError,
    CardMismatch,
    CardNumberForm,
    CardStatus,
    MyNumberCombined,
    UnsupportedCard,
    WrongCardNumber,
)
from core.i18n import catalogue, language, t

NUMBER_RE = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}")


class Transport(Protocol):
    def transmit(self, command: apdu.Command) -> apdu.Response: ...


@cache
def layout() -> dict[str, Any]:
    text = (resources.files(__package__) / "layout.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def normalize_number(raw: str) -> str:
    """The card number as the chip wants it, or :class:`CardNumberForm`.

    Full-width letters and digits, lower case, spaces and hyphens are forgiven
    (a clerk copies from paper); anything else is refused before the card is touched.
    """
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = re.sub(r"[\s\-]", "", text)
    if not NUMBER_RE.fullmatch(text):
        raise CardNumberForm(raw)
    return text


@dataclass(frozen=True)
class CardKind:
    generation: int  # 1 or 2
    card_type: str  # C1 as written: "1", "2", "05", "06"
    kind: str  # "residence" or "spr"
    spec_version: str = ""  # C0

    def label(self, lang: str | None = None) -> str:
        return t(f"card.kind.{self.kind}", lang, generation=self.generation)


@dataclass(frozen=True)
class ChipField:
    name: str
    value: str  # as shown: dates ISO, codes with their label
    raw: str = ""

    def label(self, lang: str | None = None) -> str:
        return t(f"card.field.{self.name}", lang)


@dataclass(frozen=True)
class Absent:
    """An optional record the card does not hold: its file and the status word."""

    file: str
    sw: str

    def label(self, lang: str | None = None) -> str:
        return t("card.absent", lang, file=t(f"card.file.{self.file}", lang), sw=self.sw)


@dataclass(frozen=True)
class ChipData:
    """What the chip holds, decoded. In memory only; images never leave it."""

    card: CardKind
    card_number: str
    fields: tuple[ChipField, ...]
    genuineness: genuine.Genuineness
    front_image: bytes = field(default=b"", repr=False)  # first generation, TIFF
    name_image: bytes = field(default=b"", repr=False)  # second generation, TIFF
    absent: tuple[Absent, ...] = ()  # optional records the card does not hold
    address_image: bool = False  # gen-2 DF1/EF04 present (the image itself is dropped)

    def get(self, name: str) -> str:
        for f in self.fields:
            if f.name == name:
                return f.value
        return ""

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """For ``--json``: text only — no image, no photo."""
        return {
            "card_number": self.card_number,
            "generation": self.card.generation,
            "card_type": self.card.card_type,
            "kind": self.card.kind,
            "kind_label": self.card.label(lang),
            "spec_version": self.card.spec_version,
            "fields": [
                {"name": f.name, "label": f.label(lang), "value": f.value, "raw": f.raw}
                for f in self.fields
            ],
            "genuineness": genuine.summary(self.genuineness, lang),
            "images": {
                "front_image": len(self.front_image) > 0,
                "name_image": len(self.name_image) > 0,
                "address_image": self.address_image,
            },
            "absent": [{"file": a.file, "sw": a.sw, "message": a.label(lang)} for a in self.absent],
        }


def _check(response: apdu.Response, command: apdu.Command) -> bytes:
    if not response.ok:
        raise CardStatus(command.name, response.sw)
    return response.data


def _send(card: Transport, command: apdu.Command) -> bytes:
    return _check(card.transmit(command), command)


def read_plain(card: Transport, p1: int) -> bytes:
    """A whole EF by one extended-length READ BINARY by short file identifier,
    ``00 B0 P1 00 00 00 00`` — the form of the specification (second generation
    001460711.pdf §4.2.5 and appendix 2, "00 B0 82 00 00 00 00"): Le 0000 asks for
    all the EF holds. 9000 is the file; 6282 (end of file before Le) still carries
    the whole file; any other status word is raised for the caller to judge.
    """
    command = apdu.read_binary_ef(p1)
    response = card.transmit(command)
    if response.sw in (apdu.SW_OK, apdu.SW_END_OF_FILE):
        return response.data
    raise CardStatus(command.name, response.sw)


def read_secure(card: Transport, session: sm.Session, p1: int) -> bytes:
    return session.open(_send(card, apdu.read_binary_sm(p1)))


def _tag_text(data: bytes, tag: int) -> str:
    value = tlv.as_dict(data).get(tag)
    if value is None:
        raise CardDataError(f"{tag:02X}")
    return value.decode("ascii", "replace").strip("\x00 ")


def read_kind(card: Transport) -> CardKind:
    """The public reads. The common data is read with an extended Le (the
    specification's form) so a reader without extended length fails here,
    before the number is ever sent."""
    lay = layout()
    version = _tag_text(read_plain(card, lay["mf"]["common"]), 0xC0)
    card_type = _tag_text(read_plain(card, lay["mf"]["card_type"]), 0xC1)
    types = lay["card_type"]
    if card_type in types["refused"]:
        raise MyNumberCombined(card_type)
    entry = types.get(card_type)
    if not isinstance(entry, dict):
        raise UnsupportedCard(card_type)
    return CardKind(entry["generation"], card_type, entry["kind"], version)


def authenticate(card: Transport, kind: CardKind, number: str) -> sm.Session:
    """GET CHALLENGE, one MUTUAL AUTHENTICATE, VERIFY. Never retried."""
    suite = sm.suite(kind.generation)
    key = sm.base_key(number)
    challenge = sm.Challenge.new(_send(card, apdu.get_challenge()))
    if len(challenge.rnd_icc) != 8:
        raise CardDataError("GET CHALLENGE")
    command = apdu.mutual_authenticate(sm.authenticate_payload(suite, key, challenge))
    response = card.transmit(command)
    if response.sw >> 8 == 0x63:
        raise WrongCardNumber(number, command.name)
    session = sm.Session(
        suite, sm.check_authenticate_answer(suite, key, challenge, _check(response, command))
    )
    command = apdu.verify_sm(session.verify_object(number))
    response = card.transmit(command)
    if response.sw >> 8 == 0x63:
        raise WrongCardNumber(number, command.name)
    _check(response, command)
    return session


def _files(kind: CardKind) -> list[dict[str, Any]]:
    return [
        f
        for f in layout()["file"]
        if f["generation"] == kind.generation and kind.kind in f.get("kinds", [kind.kind])
    ]


def _decode_text(generation: int, value: bytes) -> str:
    """Second generation: UTF-8 (001460711.pdf §3.3.4, "UTF-8 without BOM").
    First generation: JIS X 0213 in its Shift_JIS form — one codec, no guessing:
    trying cp932 first would read X 0213 kanji such as 諴 (EE EA) as IBM extensions
    (鈼). Bytes outside X 0213 show as U+FFFD rather than as another character."""
    value = value.rstrip(b"\x00")
    if generation == 2:
        return value.decode("utf-8", "replace").strip()
    return value.decode("shift_jisx0213", "replace").strip()


@cache
def nationalities() -> dict[str, tuple[str, str, str]]:
    """Code (ISO 3166-1 alpha-3, tag C8) -> (ja, en, ISO numeric), ``nationality.csv``."""
    text = (resources.files(__package__) / "nationality.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: (row["ja"], row["en"], row["numeric"]) for row in rows}


def period_label(raw: str, lang: str | None = None) -> str:
    """Tag CE: ``0000`` indefinite, four digits YYMM, three digits days (001460711.pdf
    §3.3.4 as zairyu-card-reader reader/parsing/second_generation_fields.py reads it)."""
    if raw == "0000":
        return t("card.period.indefinite", lang)
    if len(raw) == 4 and raw.isdigit():
        years, months = int(raw[:2]), int(raw[2:])
        parts = [t("card.period.years", lang, n=years)] if years else []
        parts += [t("card.period.months", lang, n=months)] if months else []
        return ("" if (lang or language()) == "ja" else " ").join(parts)
    if len(raw) == 3 and raw.isdigit():
        return t("card.period.days", lang, n=int(raw))
    return t("card.code_unknown", lang, code=raw)


def _field_value(kind: str, name: str, text: str) -> str:
    if kind == "date" and len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if kind == "code":
        if f"card.code.{name}.{text}" in catalogue():
            return f"{text} {t(f'card.code.{name}.{text}')}"
        return f"{text} {t('card.code_unknown', code=text)}"
    if kind == "nationality":
        names = nationalities().get(text)
        if names is None:
            return f"{text} {t('card.code_unknown', code=text)}"
        return f"{text} {names[0] if language() == 'ja' else names[1]}"
    if kind == "period":
        return f"{text} {period_label(text)}"
    if kind == "status":  # no public master of the C9 codes: shown as the chip holds it
        return f"{text} {t('card.status_code')}"
    return text


def decode_fields(kind: CardKind, files: dict[str, bytes]) -> tuple[ChipField, ...]:
    out = []
    for spec in layout()["field"]:
        if spec["generation"] != kind.generation or spec["file"] not in files:
            continue
        value = tlv.as_dict(files[spec["file"]]).get(spec["tag"])
        if value is None:
            continue
        text = _decode_text(kind.generation, value)
        if not text:
            continue
        out.append(ChipField(spec["name"], _field_value(spec["kind"], spec["name"], text), text))
    return tuple(out)


def read_card(card: Transport, number: str, anchors: list[Any] | None = None) -> ChipData:
    """Everything the chip holds for ``number``, with the genuineness result.

    ``anchors``: the MOJ CA certificates (see :func:`genuine.load_anchors`).
    """
    number = normalize_number(number)
    kind = read_kind(card)
    session = authenticate(card, kind, number)
    files, absent = read_files(card, kind, session)
    address_image = bool(tlv.as_dict(files.pop("address_image", b"")).get(0xDFD1))
    anchors = anchors or []
    sig = tlv.as_dict(files.pop("signature", b""))
    if kind.generation == 1:
        front = tlv.as_dict(files.pop("front", b"")).get(0xD0, b"")
        photo = tlv.as_dict(files.pop("photo", b"")).get(0xD1, b"")
        result = genuine.check_gen1(sig.get(0xDA, b""), sig.get(0xDB, b""), front, photo, anchors)
        name_image = b""
    else:
        images = tlv.as_dict(files.pop("images", b""))
        front, photo, name_image = b"", images.get(0xD1, b""), images.get(0xD0, b"")
        printed = b"".join(v for _, v in tlv.parse(files.get("printed", b"")))
        result = genuine.check_gen2(
            sig.get(0xDC, b""), sig.get(0xDD, b""), printed, photo, name_image, anchors
        )
    del photo  # the photo is used for the signature only
    fields = decode_fields(kind, files)
    chip_number = next((f.raw for f in fields if f.name == "card_number"), number)
    if chip_number != number:
        raise CardMismatch(number, chip_number)
    return ChipData(kind, number, fields, result, front, name_image, absent, address_image)


def read_files(
    card: Transport, kind: CardKind, session: sm.Session
) -> tuple[dict[str, bytes], tuple[Absent, ...]]:
    """Every EF of the layout for this card, one READ BINARY each. An optional
    record the card answers 6A82 (file not found) for is reported in the second
    value and the read goes on; any other failure, or a missing required file, stops."""
    files: dict[str, bytes] = {}
    absent: list[Absent] = []
    current = ""
    for spec in _files(kind):
        if spec["df"] != current:
            _send(card, apdu.select_df(bytes.fromhex(layout()["aid"][spec["df"]])))
            current = spec["df"]
        try:
            if spec.get("sm"):
                files[spec["name"]] = read_secure(card, session, spec["p1"])
            else:
                files[spec["name"]] = read_plain(card, spec["p1"])
        except CardStatus as exc:
            if not spec.get("optional") or exc.sw != apdu.SW_NOT_FOUND:
                raise
            absent.append(Absent(spec["name"], f"{exc.sw:04X}"))
    return files, tuple(absent)


def read_with_reader(
    number: str, *, reader: str | None = None, trust: Path | None = None
) -> ChipData:
    """Open the reader, read the card for ``number``, close (the card is reset)."""
    from core.card.reader import Context

    number = normalize_number(number)  # before any APDU, before even the service
    anchors = genuine.load_anchors(trust)
    with Context() as ctx, ctx.connect(reader) as conn:
        return read_card(conn, number, anchors)
