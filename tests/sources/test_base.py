"""What every reader shares (sources/base.py): limits from the settings, bounded reading, text
decoding that never guesses silently, unsafe links and the dates a document states."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from countersight.config import Settings
from countersight.errors import InputError
from countersight.sources.base import (
    MAX_RECORD_BYTES,
    Limits,
    check_document_size,
    dateline_date,
    decode_text,
    parse_date,
    read_bytes,
    read_limited,
    unsafe_url_reason,
    url_date,
)


def test_limits_from_settings() -> None:
    limits = Limits.from_settings(Settings(database_url="sqlite://", max_file_bytes=1000, document_paths="name"))
    assert (limits.max_file_bytes, limits.max_record_bytes, limits.document_paths) == (1000, 1000, "name")
    assert Limits.from_settings(Settings(database_url="sqlite://")).max_record_bytes == MAX_RECORD_BYTES
    with pytest.raises(InputError, match="DOCUMENT_PATHS"):
        Limits.from_settings(Settings(database_url="sqlite://", document_paths="absolute"))


def test_reading_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 100)
    assert read_bytes(path, Limits(max_file_bytes=100)) == b"x" * 100
    with pytest.raises(InputError, match="above the limit") as exc:
        read_bytes(path, Limits(max_file_bytes=99), display="shown.txt")
    assert exc.value.path == "shown.txt"
    with pytest.raises(InputError, match="cannot read"):
        read_bytes(tmp_path / "missing.txt", Limits())
    assert read_limited(io.BytesIO(b"abc"), 3, "-") == b"abc"
    with pytest.raises(InputError, match="larger than the limit"):
        read_limited(io.BytesIO(b"abcd"), 3, "-")


@pytest.mark.parametrize(
    "encoding,text",
    [
        ("cp1252", "Le contrat de vidéosurveillance signé à Quito — coût: 5 € « safe city »."),
        ("gb18030", "华为公司在内罗毕部署了平安城市监控系统，人脸识别摄像头覆盖全市。"),
    ],
)
def test_legacy_encodings_decoded_not_mangled(encoding: str, text: str) -> None:
    assert decode_text(text.encode(encoding), "legacy.txt") == (text, encoding)


def test_decoding_order_and_refusals() -> None:
    assert decode_text("\ufeffBOM text".encode("utf-8"), "a") == ("BOM text", "utf-8-sig")
    assert decode_text("café".encode("latin-1"), "a", declared="latin-1") == ("café", "iso8859-1")
    # A wrong declaration falls through to UTF-8.
    assert decode_text("café".encode(), "a", declared="ascii") == ("café", "utf-8")
    with pytest.raises(InputError, match="NUL"):
        decode_text(b"PK\x03\x04\x00\x00binary", "a.zip")
    with pytest.raises(InputError, match="control characters"):
        decode_text(bytes(range(1, 9)) * 20, "ctl")


def test_document_size_is_checked() -> None:
    check_document_size("x" * 10, "a", Limits(max_document_chars=10))
    with pytest.raises(InputError, match="per-document limit"):
        check_document_size("x" * 11, "a", Limits(max_document_chars=10))


@pytest.mark.parametrize(
    "url, refused",
    [
        ("https://news.example.org/a", False),
        ("/relative/link", False),
        ("file:///etc/passwd", True),
        ("javascript:alert(1)", True),
        ("http://localhost:8000/", True),
        ("http://127.0.0.1/", True),
        ("http://2130706433/", True),  # 127.0.0.1 as one number
        ("http://10.0.0.5/", True),
        ("http://169.254.169.254/latest/meta-data", True),  # cloud metadata
        ("http://[::ffff:192.168.0.1]/", True),
        ("http://8.8.8.8/", False),
    ],
)
def test_unsafe_url_reason(url: str, refused: bool) -> None:
    assert (unsafe_url_reason(url) is not None) == refused


def test_dates_a_document_states() -> None:
    assert parse_date("2021-03-04T10:00:00Z") == dt.date(2021, 3, 4)
    assert parse_date("2021-02-30") is None and parse_date(None) is None and parse_date("March") is None
    assert dateline_date("LUSAKA, 3 March 2022 - Cameras.") == dt.date(2022, 3, 3)
    assert dateline_date("x" * 500 + " 3 March 2022") is None  # beyond the dateline
    assert url_date("https://a.example/2020-07-08-story") == dt.date(2020, 7, 8)
    assert url_date("https://a.example/news/20200708/story") == dt.date(2020, 7, 8)
    assert url_date("https://a.example/2020/13/45/x") is None and url_date(None) is None
