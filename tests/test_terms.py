"""Words as the reviewer compares them: every form of a word meets at one stem."""

from __future__ import annotations

import pytest

from reviewer.terms import stem


@pytest.mark.parametrize(
    "forms",
    [
        ("rule", "rules"),
        ("name", "names", "named"),
        ("create", "creates", "created", "creating"),
        ("cache", "caches", "cached", "caching"),
        ("route", "routes", "routing"),
        ("image", "images"),
        ("move", "moves", "moved"),
        ("gateway", "gateways"),
        ("policy", "policies"),
        ("map", "maps", "mapped", "mapping"),
        ("install", "installs", "installed"),
    ],
)
def test_every_form_of_a_word_meets_at_one_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(f) for f in forms}) == 1, {f: stem(f) for f in forms}


@pytest.mark.parametrize(
    ("a", "b"), [("rule", "run"), ("node", "not"), ("state", "stable"), ("use", "us")]
)
def test_different_words_keep_different_stems(a: str, b: str) -> None:
    assert stem(a) != stem(b)


def test_short_words_and_identifiers_are_left_alone() -> None:
    assert stem("ssh") == "ssh"
    assert stem("s3") == "s3"
    assert stem("for_each") == "for_each"


def test_an_acronyms_plural_is_one_word_not_an_identifier() -> None:
    from reviewer.terms import is_identifier_like, subwords

    assert subwords("ACLs") == ("acls",) and stem("ACLs") == stem("acl")
    assert subwords("getURLs") == ("get", "urls")
    assert not is_identifier_like("ACLs") and not is_identifier_like("VPCs")
    assert is_identifier_like("HTTPServer") and subwords("HTTPServer") == ("http", "server")


def test_a_word_whose_stem_is_spelt_like_a_stopword_is_still_a_word() -> None:
    from reviewer.terms import is_stop

    # "theme" -> "them", "wipe" -> "wip": words, not the stopwords they are spelt like
    assert not is_stop("theme") and not is_stop("wipe")
    assert is_stop("them") and is_stop("updating") and is_stop("removed")


def test_abbreviations_are_the_words_they_stand_for() -> None:
    from reviewer.terms import term_set

    assert "authentic" in term_set("gh auth setup-git")
    assert "github" in term_set("gh auth setup-git")
    assert term_set("repository") <= term_set("REPO_URL")
    # a word that merely starts like one is not it
    assert "authentic" not in term_set("author name")
