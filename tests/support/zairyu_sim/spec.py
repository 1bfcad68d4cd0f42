"""The chip's structure as the public sources give it. Sources in brackets, see
``__init__``. Nothing here is read from the product."""

from __future__ import annotations

# DF names (AIDs) — [RC2] "AIDs" (001460711.pdf p.9 §3.3.2); the same three DFs on
# first-generation cards — [RMN] RDCReader.swift AID.df1/df2/df3.
AID = {
    "df1": bytes.fromhex("D392F0004F0200000000000000000000"),
    "df2": bytes.fromhex("D392F0004F0300000000000000000000"),
    "df3": bytes.fromhex("D392F0004F0400000000000000000000"),
}

# Status words — [APDU] "Status words to handle explicitly" (001460711.pdf §4.1-4.2)
SW_OK = b"\x90\x00"
SW_AUTH_FAILED = b"\x63\x00"  # MUTUAL AUTHENTICATE / VERIFY mismatch
SW_END_OF_FILE = b"\x62\x82"  # ISO 7816-4: fewer bytes than Le before the end of the EF
SW_WRONG_LENGTH = b"\x67\x00"  # ISO 7816-4
SW_SECURITY = b"\x69\x82"  # security status not satisfied
SW_SM_DATA = b"\x69\x88"  # SM data objects incorrect
SW_CONDITIONS = b"\x69\x85"  # ISO 7816-4: conditions of use (no GET CHALLENGE before)
SW_NOT_FOUND = b"\x6a\x82"  # file not found
SW_WRONG_P1P2 = b"\x6a\x86"  # P1/P2 incorrect
SW_OFFSET = b"\x6b\x00"  # offset outside the EF
SW_INS = b"\x6d\x00"  # ISO 7816-4: instruction not supported

# Access: "free" (no authentication), "auth" (after VERIFY, plain), "sm" (after
# VERIFY, secure messaging only) — [RC2] "File structure" Access column.
FREE, AUTH, SM = "free", "auth", "sm"

# (df, P1 of READ BINARY = 0x80 | SFI) -> (content name, capacity in bytes, access)
# MF: [APDU] "P1 coding" MF 8B / 8A; capacities 6 and 4 — [RC2] "File structure".
MF_FILES = {0x8B: ("common", 6, FREE), 0x8A: ("card_type", 4, FREE)}

# First generation, card types "1" / "2" — [RMN] RDCReader.swift readCard(): MF 8B/8A,
# DF1 85 (front image) 86 (face), DF2 81 (address) and, residence card only,
# 82/83/84, DF3 82 (check code + certificate). Capacities: front 7000 + header,
# face 3000 + header ([RMN] RDCSignatureVerifier.swift fixed lengths); DF2 and DF3
# as zairyu-card-reader reader/residence_card_reader.py DF2_FILES and
# FIRST_GENERATION_SIGNATURE_FILE_LENGTH.
GEN1_FILES = {
    ("df1", 0x85): ("front", 7004, SM),
    ("df1", 0x86): ("face", 3004, SM),
    ("df2", 0x81): ("address", 342, AUTH),
    ("df2", 0x82): ("comprehensive_permission", 122, AUTH),  # residence card only
    ("df2", 0x83): ("individual_permission", 122, AUTH),  # residence card only
    ("df2", 0x84): ("renewal", 3, AUTH),  # residence card only
    ("df3", 0x82): ("signature", 1464, AUTH),
}
GEN1_SPR_ABSENT = {("df2", 0x82), ("df2", 0x83), ("df2", 0x84)}

# Second generation — [APDU] "P1 coding" and [RC2] "File structure" (001460711.pdf
# pp.8-9 §3.3.1-3.3.3). Type 05 and 06 differ: the SPR certificate's printed entries
# are 46 bytes and its DF2 holds only "other", which is EF03's SFI 0x83 on both —
# zairyu-card-reader reader/protocols/second_generation_card.py RC2_FILE_MAP["06"].
GEN2_FILES = {
    "05": {
        ("df1", 0x81): ("number", 14, SM),
        ("df1", 0x83): ("printed", 73, SM),
        ("df1", 0x84): ("name_face", 5508, SM),
        ("df1", 0x86): ("address_image", 2505, SM),
        ("df2", 0x81): ("permission", 22, AUTH),
        ("df2", 0x82): ("renewal", 3, AUTH),
        ("df2", 0x83): ("other", 207, AUTH),
        ("df3", 0x82): ("signature", 704, AUTH),
    },
    "06": {
        ("df1", 0x81): ("number", 14, SM),
        ("df1", 0x83): ("printed", 46, SM),
        ("df1", 0x84): ("name_face", 5508, SM),
        ("df1", 0x86): ("address_image", 2505, SM),
        ("df2", 0x83): ("other", 207, AUTH),
        ("df3", 0x82): ("signature", 704, AUTH),
    },
}

# Printed entries of DF1/EF02 in file order with their fixed value lengths — [TLV]
# "DF1 tags"; the SPR certificate carries C5..C9 and CE (34 bytes), the residence
# card also CA..CD (53 bytes) — [RC2] "Signature verification".
PRINTED_TAGS = [
    (0xC5, 8),  # card expiry YYYYMMDD
    (0xC6, 8),  # birth date
    (0xC7, 1),  # sex 1/2/3
    (0xC8, 3),  # nationality / region (ISO 3166-1 alpha-3)
    (0xC9, 10),  # status of residence code
    (0xCE, 4),  # period of stay: YYMM, DDD, 0000 = indefinite
    (0xCA, 2),  # permission type (residence card only)
    (0xCB, 8),  # permission date (residence card only)
    (0xCC, 1),  # work restriction 1/2/4/9 (residence card only)
    (0xCD, 8),  # period-of-stay expiry (residence card only)
]
SPR_PRINTED = {0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCE}

# signature target lengths — [RC2] "Signature verification"; [RMN] fixed lengths
GEN1_FRONT_LEN, GEN1_FACE_LEN = 7000, 3000
GEN2_PRINTED_LEN, GEN2_FACE_LEN, GEN2_NAME_LEN = 53, 3000, 2500
