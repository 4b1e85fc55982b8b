"""XSS payloads and the HTML checks the render and publish tests share."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class TagCollector(HTMLParser):
    """Collects every start tag with its (entity-decoded) attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def parse_tags(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "![img](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\nascript:alert(1)">x</a>',
    '<a href=" \tjavascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:2">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<div onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    "<!-- --><script>alert(1)</script><!-- -->",
    '<a href="#" title="x" onclick="alert(1)">x</a>',
]
FORBIDDEN_TAGS = set(
    "script iframe svg object embed form button input meta base style math img link details"
    " div frame frameset applet".split()
)
ALLOWED_ATTRIBUTES = {"href", "title", "rel", "id", "align"}
DANGEROUS_URL = re.compile(r"(javascript|data|vbscript):", re.IGNORECASE)
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
