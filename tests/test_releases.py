"""ReleaseSet: the one release arithmetic and the one way messages write releases."""

from hub_dist_lint.releases import ReleaseSet

ORDER = ("2.2", "2.3", "2.4", "2.5", "2.6", "2.7")


def test_membership_and_text():
    found = ReleaseSet.of(["2.3", "2.4", "2.7"], ORDER)
    assert found.releases == ("2.3", "2.4", "2.7") and len(found) == 3
    assert "2.4" in found and "2.5" not in found and "9.9" not in found
    assert found.text() == "2.3\u20132.4, 2.7"
    assert ReleaseSet(0, ORDER).text() == "no release" and not ReleaseSet(0, ORDER)
    assert (found | ReleaseSet.of(["2.5"], ORDER)).text() == "2.3\u20132.5, 2.7"


def test_since_and_removed():
    found = ReleaseSet.of(["2.2", "2.3", "2.5", "2.6"], ORDER)
    assert found.since("2.3") == "2.2" and found.since_text("2.3") == "TF 2.2 or earlier"
    assert found.since("2.6") == "2.5" and found.since_text("2.6") == "TF 2.5"
    assert found.since("2.4") is None
    assert found.removed_in("2.4") == "2.4" and found.removed_in("2.7") == "2.7"
    assert found.removed_in("2.5") is None and found.removed_by("2.7")
    assert ReleaseSet.of(["2.7"], ORDER).removed_in("2.3") is None  # added later, not removed
    assert found.after_last() == "2.7" and ReleaseSet.of(["2.7"], ORDER).after_last() is None
