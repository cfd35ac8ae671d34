"""The self-contained HTML report: well-formed, complete, deterministic, and safe with hostile
names (DNS names can carry any bytes)."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import math
import re
import warnings
from html.parser import HTMLParser

import numpy as np
import pytest
from scipy import stats

import tealeaves as tl
from tealeaves.datasets import beacon_times, poisson_times, sample_path
from tealeaves.report import leahy_threshold, render_report, write_report, z2_threshold

VOID = {"meta", "img", "br", "hr", "link", "input", "col", "wbr", "source", "area", "base"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
T0 = 1467763200.0  # 2016-07-06 00:00 UTC
HOSTILE_QNAME = "<script>alert(1)</script>.example"
HOSTILE_CLIENT = "a\"b'&<c>"
CONTROL_QNAME = "evil\x00\x1b[31m\u202e.exa\udcffmple"


class StrictParser(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(document: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(document)
    parser.close()
    assert parser.errors == []
    assert parser.stack == [], f"unclosed tags: {parser.stack}"
    return parser


def sections(document: str) -> list[str]:
    return re.findall(r'<section id="series-\d+">.*?</section>', document, flags=re.S)


def images(fragment: str) -> list[bytes]:
    return [
        base64.b64decode(b) for b in re.findall(r'src="data:image/png;base64,([^"]+)"', fragment)
    ]


@pytest.fixture(scope="module")
def sample():
    import matplotlib.pyplot as plt

    plt.close("all")  # figures other tests left open are not the report's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample has two malformed lines on purpose
        frame = tl.read_log(sample_path())
    groups = tl.group_series(frame)
    items = [(client, qname, s) for (client, qname), s in groups.items()]
    info = frame.attrs["ingest"]
    document = render_report(
        items, title="bundled sample", input_info=info, tz=("UTC", "Europe/Moscow", 3)
    )
    return items, info, document


def test_sample_report_is_well_formed_and_self_contained(sample):
    items, _, document = sample
    parser = parse(document)
    assert "<script" not in document.lower()
    csp = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv")]
    assert len(csp) == 1 and csp[0]["http-equiv"] == "Content-Security-Policy"
    policy = csp[0]["content"]
    assert "default-src 'none'" in policy and "unsafe" not in policy and "script" not in policy
    # The one style sheet is allowed by its hash, so browsers apply it and nothing else.
    (style,) = re.findall(r"<style>(.*?)</style>", document, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    # No external asset: every src is an embedded PNG, every link a fragment of the page.
    for tag, attrs in parser.tags:
        if "src" in attrs:
            assert tag == "img" and attrs["src"].startswith("data:image/png;base64,")
        if "href" in attrs:
            assert attrs["href"].startswith("#series-")
    ids = {a["id"] for _, a in parser.tags if "id" in a}
    assert {a["href"][1:] for t, a in parser.tags if t == "a"} <= ids
    assert len(sections(document)) == len(items) == 4
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # no figure left open behind the report


def test_sample_report_has_each_verdict_and_its_images(sample):
    items, _, document = sample
    from PIL import Image

    for (client, qname, series), section in zip(items, sections(document), strict=True):
        expected = tl.verdict(series, seed=0)
        assert f'<span class="label {expected.label}">{expected.label}</span>' in section
        assert html.escape(qname) in section and html.escape(client) in section
        for evidence in expected.evidence:  # the evidence table, in plain words
            assert html.escape(evidence.explanation, quote=True) in section
        # A machine's beat: where it is present, with its null; nothing for the others.
        assert ("When the beat is present" in section) == bool(expected.period_s)
        if expected.period_s:
            spans = tl.periodic_spans(series, expected.period_s)
            assert f"present in {int(spans.windows['significant'].sum())} of " in section
            assert "binomial(n, 1/3)" in section
        pictures = images(section)
        assert len(pictures) >= 4  # timeline, periodograms, ACF + gaps, time of day
        for png in pictures:
            assert png.startswith(PNG_MAGIC)
            with Image.open(io.BytesIO(png)) as picture:
                assert picture.size[0] == 800 and 150 <= picture.size[1] <= 500
    # The summary table lists every series with its verdict, in order.
    summary = document.split("<h2>Summary</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", summary)[1:]
    labels = [re.findall(r"<td[^>]*>(.*?)</td>", r)[6] for r in rows]
    assert labels == [tl.verdict(s, seed=0).label for _, _, s in items]


def test_sample_report_accounts_for_every_input_line(sample):
    _, info, document = sample
    read, used, rejected, meta = (
        info[k] for k in ("lines_read", "lines_used", "lines_rejected", "lines_meta")
    )
    assert rejected == 2
    assert f"{read} lines read = {used} used + {rejected} rejected + {meta}" in document
    assert "the account balances" in document
    for line, reason in info["rejected"]:
        assert f'<td class="n">{line}</td><td>{html.escape(reason)}</td>' in document


def test_sample_report_shows_significance_levels_and_zones(sample):
    items, _, document = sample
    first = sections(document)[0]
    detected = tl.detect_periods(items[0][2])
    assert detected.periods  # the sample's first series is a beacon
    assert f"{detected.periods[0].period_s:.6g}" in first
    assert "Davies" in first and "Sidak" in first
    for zone in ("UTC", "Europe/Moscow", "UTC+3"):
        assert f"{zone}</td>" in first


def _hostile_items():
    beacon = beacon_times(300.0, T0, T0 + 86400.0, jitter=2.0, seed=3)
    noise = poisson_times(1 / 900.0, T0, T0 + 86400.0, seed=4)
    return [
        (HOSTILE_CLIENT, HOSTILE_QNAME, tl.EventSeries(beacon)),
        ("10.0.0.1", CONTROL_QNAME, tl.EventSeries(noise)),
        (b"\xff\xfe<i>", "ok.example", tl.EventSeries(noise[:5])),  # too few: insufficient
    ]


def test_hostile_names_only_appear_escaped(tmp_path):
    info = {
        "path": "/logs/<img src=x onerror=alert(1)>.log",
        "format": "zeek-tsv",
        "lines_read": 3,
        "lines_used": 1,
        "lines_rejected": 1,
        "lines_meta": 1,
        "rejected": [(2, "qname: '<script>x</script>' is not a name")],
    }
    path = write_report(
        tmp_path / "r.html",
        _hostile_items(),
        title="</title><script>alert('t')</script>",
        input_info=info,
        events={'<b>news</b> & "more"': T0 + 3600.0},
    )
    raw = path.read_bytes()
    document = raw.decode("utf-8")  # lone surrogates were made visible, so this is valid UTF-8
    assert "<script" not in document.lower()
    assert "<img src=x" not in document and "<b>news" not in document and "<i>" not in document
    assert HOSTILE_CLIENT not in document and "&<" not in document
    assert html.escape(HOSTILE_QNAME) in document
    assert "a&quot;b&#x27;&amp;&lt;c&gt;" in document
    assert "&lt;b&gt;news&lt;/b&gt; &amp; &quot;more&quot;" in document
    # Unprintable code points become visible escapes; none reaches the page raw.
    assert "\x00" not in document and "\x1b" not in document and "\u202e" not in document
    assert "evil\\x00\\x1b[31m\\u202e.exa\\udcffmple" in document
    assert "\\udcff\\udcfe&lt;i&gt;" in document  # undecodable bytes of a bytes name
    parser = parse(document)
    text = "".join(parser.text)
    assert HOSTILE_QNAME in text and HOSTILE_CLIENT in text  # what a reader sees, exactly
    assert "</title><script>alert('t')</script>" in text
    assert '<span class="label insufficient">insufficient</span>' in document


def test_outside_events_are_marked_and_tested():
    rng = np.random.default_rng(7)
    days = 3
    times = np.sort(
        np.r_[
            beacon_times(600.0, T0, T0 + days * 86400.0, jitter=5.0, seed=1),
            T0 + 86400.0 + 3600.0 + rng.uniform(0, 1800.0, 40),  # a burst after event E2
        ]
    )
    items = [("10.0.0.2", "news.example", tl.EventSeries(times))]
    events = [T0 + 86400.0 + 3000.0, T0 + 12 * 3600.0, T0 + 30 * 86400.0]  # the last: outside
    plain = render_report(items, title="no events")
    marked = render_report(items, title="no events", events=events)
    parse(marked)
    assert "<h2>Outside events</h2>" in marked and "<h2>Outside events</h2>" not in plain
    # Sorted in time: E1 = 12:00 day 1, E2 = 00:50 day 2; E3 lies outside the window.
    assert "<td>E1</td><td>2016-07-06 12:00:00 UTC</td>" in marked
    assert "<td>E2</td><td>2016-07-07 00:50:00 UTC</td>" in marked
    assert "Outside events inside this window (green lines): E1, E2." in marked
    assert "2 events used, 1 outside the window" in marked
    assert "Coincidence with the outside events" in marked
    # The timeline image carries the marks; the analyses that ignore events are unchanged
    # (same seed, same pictures: the report is deterministic).
    with_marks, without = images(sections(marked)[0]), images(sections(plain)[0])
    assert with_marks[0] != without[0]
    assert with_marks[1:4] == without[1:4]


def test_significance_levels_match_their_p_values():
    for alpha in (0.05, 0.01, 0.001):
        for trials in (1, 37, 4313, 10**6):
            level = leahy_threshold(alpha, trials)
            p_single = stats.chi2.sf(level, 2)
            assert -math.expm1(trials * math.log1p(-p_single)) == pytest.approx(alpha, rel=1e-9)
    times = beacon_times(97.0, 0.0, 20000.0, jitter=20.0, miss_probability=0.5, seed=2)
    z2 = tl.z2n(times, fmax=0.05)
    levels = [z2_threshold(z2, a) for a in (0.05, 0.01, 0.001)]
    assert levels[0] < levels[1] < levels[2]
    for alpha, level in zip((0.05, 0.01, 0.001), levels):
        assert float(z2.log_p_global(level)[0]) == pytest.approx(math.log(alpha), abs=1e-9)


def test_bad_arguments_give_clear_errors(tmp_path):
    series = tl.EventSeries(np.arange(0.0, 100.0, 3.0))
    good = [("c", "q", series)]
    with pytest.raises(ValueError, match="series_items: no series"):
        render_report([], title="t")
    with pytest.raises(TypeError, match="series_items"):
        render_report(series, title="t")
    with pytest.raises(ValueError, match=r"series_items\[0\]"):
        render_report([("c", series)], title="t")
    with pytest.raises(TypeError, match=r"series_items\[0\]: expected an EventSeries"):
        render_report([("c", "q", [1.0, 2.0])], title="t")
    with pytest.raises(TypeError, match=r"series_items\[0\] qname"):
        render_report([("c", 5, series)], title="t")
    with pytest.raises(TypeError, match="title"):
        render_report(good, title=None)
    with pytest.raises(ValueError, match="title: must not be empty"):
        render_report(good, title="  ")
    with pytest.raises(ValueError, match="tz: unknown time zone 'Mars/Olympus'"):
        render_report(good, title="t", tz=["UTC", "Mars/Olympus"])
    with pytest.raises(ValueError, match="tz: an offset"):
        render_report(good, title="t", tz=20)
    with pytest.raises(ValueError, match="tz: give at least one"):
        render_report(good, title="t", tz=[])
    with pytest.raises(ValueError, match="seed"):
        render_report(good, title="t", seed=-1)
    with pytest.raises(ValueError, match="events"):
        render_report(good, title="t", events=[])
    with pytest.raises(TypeError, match="input_info"):
        render_report(good, title="t", input_info=[1, 2])
    with pytest.raises(ValueError, match=r"path: .* is a directory"):
        write_report(tmp_path, good, title="t")
    with pytest.raises(FileNotFoundError, match="path: the directory"):
        write_report(tmp_path / "missing" / "r.html", good, title="t")
    with pytest.raises(TypeError, match="path"):
        write_report(3, good, title="t")


def test_degenerate_and_gapped_series_still_give_a_full_report():
    beacon = beacon_times(60.0, 0.0, 20000.0, jitter=1.0, seed=1)  # seconds from 0, no dates
    items = [
        ("a", "gapped.example", tl.EventSeries(beacon, gaps=[[5000.0, 8000.0]], drop_outside=True)),
        ("b", "same-time.example", tl.EventSeries(np.array([5.0, 5.0, 5.0]), start=0, end=10)),
        ("c", "single.example", tl.EventSeries(np.array([5.0]), start=0, end=10)),
    ]
    document = render_report(items, title="edge cases", tz=[2.5, "Asia/Tokyo"], events=[100.0])
    parse(document)
    gapped, same, single = sections(document)
    assert '<span class="label periodic">periodic</span>' in gapped
    assert "Machine period 60" in gapped
    # Outages void the Poisson null of the binned counts: no spectral p-values, and why.
    assert "none: the bins include outages" in gapped
    assert "Outside events inside this window (green lines): E1." in gapped
    for section in (same, single):
        assert '<span class="label insufficient">insufficient</span>' in section
        assert "Too few gaps to fit inter-arrival models." in section
    assert "no outside event overlaps" in same
    assert "Not tested: too few lookups." in single
    assert "zone 1: UTC+2.5" in gapped and "zone 2: Asia/Tokyo" in gapped


def test_lockstep_table_lists_pairs_sharing_a_name_escaped(sample):
    assert "Series in lockstep" not in sample[2]  # the sample's series share no name
    beacon = beacon_times(300.0, T0, T0 + 86400.0, jitter=2.0, seed=3)
    echo = beacon + np.random.default_rng(5).uniform(0.0, 1.0, beacon.size)
    other_client = "<img src=x onerror=alert(1)>"
    window = {"start": T0 - 60.0, "end": T0 + 86460.0}  # one window for both
    items = [
        (HOSTILE_CLIENT, HOSTILE_QNAME, tl.EventSeries(beacon, **window)),
        (other_client, HOSTILE_QNAME, tl.EventSeries(echo, **window)),
    ]
    document = render_report(items, title="lockstep")
    parser = parse(document)
    assert "<h2>Series in lockstep</h2>" in document
    assert "<script" not in document.lower() and "<img src=x" not in document
    (table,) = re.findall(r"<h2>Series in lockstep</h2>.*?</table>", document, flags=re.S)
    assert html.escape(HOSTILE_QNAME) in table and "a&quot;b&#x27;&amp;&lt;c&gt;" in table
    assert "&lt;img src=x onerror=alert(1)&gt;" in table
    # 100 % of each within 2 s, at the Monte-Carlo floor (one pair: no adjustment).
    assert table.count('<td class="n">100.0 %</td>') == 2
    assert '<td class="n">0.001</td><td class="n">0.001</td>' in table
    assert "Bonferroni over the 1 pairs" in table
    text = "".join(parser.text)
    assert HOSTILE_QNAME in text and other_client in text
    # Pairs handed in (as the command line does) are shown as given, escaped.
    given = [
        {
            "qname": "<b>q</b>",
            "client_a": "a<",
            "client_b": "b>",
            "fraction_a": 0.5,
            "fraction_b": 0.25,
            "median_lag_s": None,
            "tolerance_s": 2.0,
            "p_value": 0.5,
            "p_adjusted": 1.0,
            "null": "<i>null</i>",
        }
    ]
    shown = render_report(items[:1], title="given", pairs=given)
    parse(shown)
    assert "&lt;b&gt;q&lt;/b&gt;" in shown and "&lt;i&gt;null&lt;/i&gt;" in shown
    assert "<b>q" not in shown and "<i>null" not in shown
    assert '<td class="n">50.0 %</td><td class="n">25.0 %</td>' in shown
    with pytest.raises(TypeError, match="pairs"):
        render_report(items[:1], title="t", pairs="pairs")
