"""A residence card / SPR certificate chip written from the public specification alone.

It shares nothing with the product: no ``core`` import (``tests/core/card/
test_zairyu_sim_independent.py`` checks that), its own TLV, its own crypto, its
own file map. Every file identifier, tag and status word is taken from the public
material and cited beside it in ``spec.py``:

- 在留カード等仕様書（一般公開用）Ver 1.5 (first generation) and 第２世代在留カード等
  仕様書（一般公開用）Ver 1.1 (001460711.pdf), as quoted by
  ``eringoio/zairyu-card-reader`` docs/specs/moj/rc2_second_generation_implementation_spec.md,
  apdu_command_reference.md, tlv_tag_reference.md (cited "[RC2]", "[APDU]", "[TLV]");
- ``dadachi/readmynumber-plus`` readmynumber/RDCReader.swift and
  RDCPlainBinaryReader.swift for the first-generation file map (cited "[RMN]").
"""
