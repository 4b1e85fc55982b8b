"""The visitor's language: English at the site's paths, German and French under /de and /fr.

The locale comes from the URL only (no cookie, no Accept-Language), so a page stays the same
bytes for everyone who asks for that URL and may be cached. `LocalePrefix`, a WSGI layer in
front of Flask, moves a leading `/de` or `/fr` from PATH_INFO into SCRIPT_NAME: the routes stay
the English ones, and every `url_for` on a German page carries the `/de` prefix by itself.
Admin pages, static files and the health check have no language of their own: the app is a
`LocalisedFlask`, whose `url_for` builds them without the prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from inspect import CO_COROUTINE
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, LazyString, force_locale, get_locale, get_translations

DEFAULT_LOCALE = "en"
UNLOCALISED = ("/admin", "/static", "/healthz")  # the same under every prefix: not served there
ENVIRON_KEY = "website.locale"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def catalogue_languages(folder: Path = TRANSLATIONS) -> dict[str, str]:
    """English, then every language with a catalogue in `folder`, each named in its own words
    (a reader looks for their language in its words): adding a catalogue adds the language."""
    codes = sorted(path.parent.parent.name for path in folder.glob("*/LC_MESSAGES/messages.po"))
    names = {code: Locale.parse(code).get_display_name(code) or code
             for code in [DEFAULT_LOCALE, *codes]}
    return {code: name[:1].upper() + name[1:] for code, name in names.items()}


LANGUAGES = catalogue_languages()
PREFIXED = tuple(code for code in LANGUAGES if code != DEFAULT_LOCALE)

babel = Babel()

Text = str | LazyString  # a module-level sentence (`lazy_gettext`): in the language it is read in


class LocalePrefix:
    """WSGI layer: `/de/privacy` reaches Flask as SCRIPT_NAME `/de`, PATH_INFO `/privacy`."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for code in PREFIXED:
            prefix = "/" + code
            if path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix):] or "/"
                if not rest.startswith(UNLOCALISED):
                    environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                    environ["PATH_INFO"] = rest
                    environ[ENVIRON_KEY] = code
                break
        return self.wsgi_app(environ, start_response)


def page_locale() -> str:
    """The language of the page being answered: from its URL; English outside a request."""
    if not has_request_context():
        return DEFAULT_LOCALE
    return str(request.environ.get(ENVIRON_KEY, DEFAULT_LOCALE))


def site_root() -> str:
    """SCRIPT_NAME without the language prefix (empty when the site is served at /)."""
    root = request.script_root
    code = request.environ.get(ENVIRON_KEY)
    return root[: -len(code) - 1] if code else root


def locale_path(code: str, path: str | None = None) -> str:
    """The current page (or `path`, a site path such as `/privacy`) in language `code`."""
    if path is None:
        path = request.full_path if request.query_string else request.path
    prefix = "" if code == DEFAULT_LOCALE else "/" + code
    return site_root() + prefix + path


def alternates(path: str | None = None) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of the current page (or of site path `path`) in every language,
    for <link rel=alternate> and the sitemap."""
    base = current_app.config["SITE_URL"].rstrip("/")
    links = [(code, base + locale_path(code, path)) for code in LANGUAGES]
    return links + [("x-default", base + locale_path(DEFAULT_LOCALE, path))]


def without_language(url: str) -> str:
    """A URL built on a /de or /fr page, without the prefix when its path has no language of
    its own (admin, static files, health check): the prefix layer does not serve it there."""
    if not has_request_context() or not request.environ.get(ENVIRON_KEY):
        return url
    parts = urlsplit(url)
    prefixed = request.script_root
    rest = parts.path[len(prefixed):]
    if not parts.path.startswith(prefixed + "/") or not rest.startswith(UNLOCALISED):
        return url
    return urlunsplit(parts._replace(path=site_root() + rest))


class LocalisedFlask(Flask):
    """Flask whose `url_for` (in Python, templates and Flask-Static-Digest alike) leaves the
    language prefix off the paths that have no language, and whose hooks cost less to call:
    Flask's documented way to change its behaviour is a subclass (`app.url_for` is what
    `flask.url_for` calls)."""

    def url_for(
        self, /, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
        _scheme: str | None = None, _external: bool | None = None, **values: Any,
    ) -> str:
        """The URL Flask builds, without the page's /de or /fr for admin, static and health."""
        return without_language(super().url_for(
            endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external,
            **values,
        ))

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's own, but a plain function or method is told from a coroutine function by its
        code's flags at once (Flask asks for every hook of every request, the long way)."""
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is not None and not code.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)


def here() -> str:
    """The current page as a local path with its language prefix: a form's `next`."""
    return request.script_root + (request.full_path if request.query_string else request.path)


def current_locale() -> str:
    """The language being rendered: the one forced by `language()`, else the page's."""
    return str(get_locale() or DEFAULT_LOCALE)


def localised_url(endpoint: str, code: str | None = None, **values: Any) -> str:
    """The absolute link to a page in language `code` (default: the language being rendered),
    for emails: SITE_URL, the language's prefix, the route's path (`values` it does not take
    become the query). Not `url_for`, which would carry the current page's prefix instead."""
    code = code or current_locale()
    prefix = "/" + code if code in PREFIXED else ""
    path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    return current_app.config["SITE_URL"].rstrip("/") + prefix + path


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Render in `code` (an account's or a request's stored language), e.g. for an email.
    None keeps the current language: a row not flushed yet has no stored language, and its
    column default is the page's."""
    code = code or current_locale()
    with force_locale(code if code in LANGUAGES else DEFAULT_LOCALE):
        yield


def translations() -> NullTranslations:
    """The catalogue of the language being rendered, looked up once per request and language.
    Flask-Babel finds it afresh for every string (about 20 µs; a page has 60 strings or more)."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()  # `language()` (force_locale) changes it: a key, not a stale value
    found: dict[object, NullTranslations] = g.setdefault("website_translations", {})
    if locale not in found:
        found[locale] = get_translations()
    return found[locale]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's `gettext` (the catalogue of the language being rendered), found once."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's `ngettext`: the form for `num`, which `%(num)d` may show."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A module-level string, translated each time it is read, in the language then."""
    return LazyString(gettext, string, **variables)


@dataclass(frozen=True)
class LanguageOffer:
    """The current page offered in another language, in that language's own words."""

    code: str
    url: str
    label: str  # the region's name ("Sprache")
    link: str  # "Diese Seite auf Deutsch lesen"
    dismiss: str  # "Nein, danke"


def language_offers(path: str = "/") -> list[LanguageOffer]:
    """Every language but English, each offering site path `path` in its own words (a script
    shows the one the browser prefers: the page stays the same bytes for every visitor)."""
    offers = []
    for code in PREFIXED:
        with language(code):
            offers.append(LanguageOffer(code, locale_path(code, path), gettext("Language"),
                                        gettext("Read this page in English"),
                                        gettext("No, thanks")))
    return offers


def register_i18n(app: Flask) -> None:
    """Flask-Babel with the URL's locale; the layer that reads it from the path; template
    helpers for the switcher and the hreflang links."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=page_locale)
    # Flask-Babel's callables, with the catalogue found once (the i18n extension adds the method).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    # `{% trans %}` blocks join their lines (babel.cfg extracts them the same way).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        page_locale=page_locale, locale_path=locale_path, alternates=alternates, here=here,
        localised_url=localised_url, current_locale=current_locale, LANGUAGES=LANGUAGES,
    )
