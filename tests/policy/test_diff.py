import re
from pathlib import Path

from website.policy.diff import compare, diff_html, diff_stats, parse_blocks
from website.policy.diff_blocks import render_diff

POLICY = (Path(__file__).resolve().parents[2] / "content" / "policy.md").read_text("utf-8")


def tags_in(html: str) -> set[str]:
    return set(re.findall(r"</?([a-z0-9]+)", html))


def test_inserted_word_is_in_ins_and_unchanged_text_is_plain() -> None:
    html = diff_html("We keep logs.\n", "We keep usage logs.\n")

    assert html == "<p>We keep <ins>usage</ins> logs.</p>"


def test_deleted_word_is_in_del() -> None:
    html = diff_html("We never sell personal data.\n", "We never sell data.\n")

    assert html == "<p>We never sell <del>personal</del> data.</p>"


def test_replaced_word_shows_deletion_then_insertion() -> None:
    old = POLICY
    new = POLICY.replace("retained for up to 2 years", "retained for up to 3 years")

    html = diff_html(old, new)

    assert "retained for up to <del>2</del> <ins>3</ins> years for operational" in html
    assert diff_stats(old, new) == (1, 1)


def test_headings_stay_headings_with_changes_marked_inside() -> None:
    html = diff_html("## Your Rights\n\nText.\n", "## Your Data Rights\n\nText.\n")

    assert "<h2>Your <ins>Data</ins> Rights</h2>" in html
    assert "<p>Text.</p>" in html


def test_list_items_are_grouped_in_a_list() -> None:
    old = "- We do not sell data.\n- We may disclose data.\n"
    new = "- We do not sell data.\n- We may share data.\n- We may disclose data.\n"

    html = diff_html(old, new)

    assert html == (
        "<ul>\n<li>We do not sell data.</li>\n<li><ins>We may share data.</ins></li>\n"
        "<li>We may disclose data.</li>\n</ul>"
    )
    assert diff_stats(old, new) == (4, 0)


def test_whole_blocks_added_or_removed_are_marked_entirely() -> None:
    old = "## Children\n\nNot for children under 13.\n\n## Changes\n\nWe may update this.\n"
    new = "## Changes\n\nWe may update this.\n\n## Cookies\n\nWe use first-party analytics.\n"

    html = diff_html(old, new)

    assert "<h2><del>Children</del></h2>" in html
    assert "<p><del>Not for children under 13.</del></p>" in html
    assert "<h2>Changes</h2>\n<p>We may update this.</p>" in html
    assert "<h2><ins>Cookies</ins></h2>\n<p><ins>We use first-party analytics.</ins></p>" in html
    assert diff_stats(old, new) == (5, 6)


def test_identical_texts_have_no_marks() -> None:
    html = diff_html(POLICY, POLICY)

    assert "<ins>" not in html and "<del>" not in html
    assert "<h2>Your Rights</h2>" in html
    assert diff_stats(POLICY, POLICY) == (0, 0)


def test_html_in_markdown_is_escaped() -> None:
    old = "Intro.\n"
    new = 'Intro. <script>alert("x")</script> <img src=x onerror=alert(1)>\n\n## A & B\n'

    html = diff_html(old, new)

    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<h2><ins>A &amp; B</ins></h2>" in html
    assert tags_in(html) <= {"p", "h2", "ins", "del"}


def test_formatting_is_kept_bold_links_code_and_emphasis() -> None:
    html = diff_html("- **Phone:** 123\n", "- **Phone:** 456\n")
    assert html == "<ul>\n<li><strong>Phone:</strong> <del>123</del> <ins>456</ins></li>\n</ul>"
    html = diff_html(
        "Write to [our team](mailto:me@example.com) or *call* us.\n",
        "Write to [our privacy team](mailto:me@example.com) or *call* `+44` us.\n",
    )
    assert html == (
        '<p>Write to <a href="mailto:me@example.com" rel="noopener noreferrer nofollow">our</a> '
        '<ins><a href="mailto:me@example.com" rel="noopener noreferrer nofollow">privacy</a></ins> '
        '<a href="mailto:me@example.com" rel="noopener noreferrer nofollow">team</a> or '
        "<em>call</em> <ins><code>+44</code></ins> us.</p>"
    )


def test_a_word_that_only_became_bold_is_a_change() -> None:
    html = diff_html("We never sell data.\n", "We **never** sell data.\n")
    assert html == "<p>We <del>never</del> <ins><strong>never</strong></ins> sell data.</p>"
    assert diff_stats("We never sell data.\n", "We **never** sell data.\n") == (1, 1)


def test_multi_word_formatting_is_one_tag_and_unsafe_links_lose_their_href() -> None:
    html = diff_html("A.\n", "A. **Account and contact data:** [x](javascript:alert(1))\n")
    assert "<strong>Account and contact data:</strong>" in html
    assert 'href="javascript' not in html


def test_policy_splits_into_its_blocks() -> None:
    blocks = parse_blocks(POLICY)

    headings = [" ".join(block.plain) for block in blocks if block.kind == "h"]
    assert headings[0] == "Data We Collect" and headings[-1] == "Contact"
    assert len(headings) == 11
    first = ("p", ("Effective", "date:", "11", "August", "2025"))
    assert (blocks[0].kind, blocks[0].plain) == first
    assert sum(block.kind == "ul" for block in blocks) == 13


def test_paragraph_lines_join_and_ordered_lists_stay_ordered() -> None:
    old = "One line\ncontinues here.\n\n1. first\n2. second\n"
    new = "One line\ncontinues there.\n\n1. first\n2. second\n"

    html = diff_html(old, new)

    assert html.startswith("<p>One line continues <del>here.</del> <ins>there.</ins></p>")
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_an_ordered_list_cut_by_a_change_marker_keeps_its_numbers() -> None:
    old = "1. one\n2. two\n3. three\n\n- a\n- b\n\n1. x\n"
    new = "1. one\n2. two, changed\n3. three\n\n- a\n- b\n\n1. x\n"
    html = render_diff(compare(old, new), changed_only=False, navigation=True)
    assert '<ol start="2">\n<li class="changed">' in html
    assert html.endswith("<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n</ol>")
