"""`hub-dist-lint explain NAME...`: a TensorFlow name's history, from the shipped map.

Private dotted paths (``tensorflow.python.distribute.values.AutoPolicy``), private
modules, public names (``tf.distribute.experimental.TPUStrategy``, also spelled
``tensorflow.distribute...``) and the homes of ``tf.keras`` names
(``keras.src.layers.core.dense.Dense``) are accepted. Nothing here imports
TensorFlow: the answers come from hub_dist_lint/data (see apimap, history).

Exit codes: 0 every name found, 1 a name was not found in the data, 2 bad usage.
"""

from __future__ import annotations

import json
import re
import sys
from typing import List, Optional, Sequence, Tuple

from . import apimap, history, hub_facts
from .console import OneLineParser, write_stdout

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def _rels(releases: Sequence[str]) -> str:
    return history.release_ranges(releases) or "none"


def _public_in(releases: Sequence[str]) -> str:
    """"public since TF 2.3 (TF 2.3–2.21)" when it started after the first covered
    release (the data cannot tell how long before 2.2 a name existed), else
    "public in TF 2.2–2.21"."""
    if releases and releases[0] != apimap.releases()[0]:
        return f"public since TF {releases[0]} (TF {_rels(releases)})"
    return f"public in TF {_rels(releases)}"


def _pref(public: str):
    return apimap.preference_key(public)


def _is_private(name: str) -> bool:
    return apimap.is_private(name)


def _as_public(name: str) -> Optional[str]:
    """``tensorflow.distribute.X`` -> ``tf.distribute.X``; ``tf.X`` as is; else None."""
    if name == "tf" or name.startswith("tf."):
        return name
    if (name == "tensorflow" or name.startswith("tensorflow.")) and not _is_private(name):
        return "tf" + name[len("tensorflow"):]
    return None


# ---------------------------------------------------------------------------
# answers


def _latest() -> str:
    return apimap.latest_release()


def _status(releases: Sequence[str]) -> Tuple[str, Optional[str]]:
    """("present in TF 2.21" | "removed in TF 2.5" | ..., removed_in)."""
    latest = _latest()
    if not releases:
        return "not present in any release", None
    if releases[-1] == latest:
        return f"present in TF {latest}", None
    removed = history.release_after(releases[-1])
    return f"gone since TF {removed} (last in {releases[-1]})", removed


def _explain_private(name: str, st: history.Story, attribute: str = "") -> dict:
    """``st`` is the story of ``name``, or of its class when ``name`` is ``Class.attribute``."""
    latest = _latest()
    tail = f".{attribute}" if attribute else ""
    publics = sorted(((p + tail, r) for p, r in st.public.items()), key=lambda kv: _pref(kv[0]))
    status, removed_in = _status(st.exists)
    rec: dict = {
        "query": name, "name": name, "found": True,
        "kind": ("private module" if st.kind == "module" else
                 "home outside TensorFlow" if st.module is None else "private symbol"),
        "module": st.module, "releases": list(st.exists), "removed_in": removed_in,
        "public_names": {p: list(r) for p, r in publics},
        "ever_public": bool(st.public), "what": st.what, "advice": st.instead,
        "defining_home": st.home if st.home != name else None,
        "moved_to": st.moved_to, "use_instead": None, "counterpart": None,
    }
    lines: List[Tuple[str, str]] = []
    outside = st.module is None  # e.g. keras.src...: the home of tf.keras names
    if st.kind == "module":
        lines.append(("what", "private module (not API: import the public tf.* names of its members)"))
    elif outside:
        lines.append(("what", "an implementation path outside TensorFlow (the home of public names; "
                              "the data has no other history for it)"))
    else:
        what = f"private, a top-level name of {st.module}" if st.module else "private"
        if attribute:
            what = (f"attribute {attribute} of {st.path} ({what}); the history below is "
                    f"{st.path.rpartition('.')[2]}'s")
        if st.what:
            what += f": {st.what}"
        lines.append(("what", what))
    if outside:
        rec["releases"] = list(st.was_public)
        status, removed_in = _status(st.was_public)
        rec["removed_in"] = removed_in
        lines.append(("releases", f"TF {_rels(st.was_public)} as the home of a public name "
                                  f"(data covers {history.covered()})"))
    else:
        lines.append(("releases", f"TF {_rels(st.exists)} (data covers {history.covered()})"))
    if st.public:
        lines.append(("public", "; ".join(_public_entry(p, _here(r, st), tail)
                                          for p, r in publics)))
    elif st.kind == "module":
        members = _public_members(name)
        rec["public_members"] = members
        if members:
            shown = ", ".join(members[:5]) + (", ..." if len(members) > 5 else "")
            have = "name has a public name" if len(members) == 1 else "names have public names"
            lines.append(("public", f"never (a module); {len(members)} of its {have} "
                                    f"in TF {latest}: {shown}"))
        else:
            lines.append(("public", "never (a module); none of its names has a public name"))
    else:
        internal = apimap.internal_names(st.path)
        rec["internal_names"] = {p: list(r) for p, r in internal.items()}
        if internal:
            shown = "; ".join(f"{p} in TF {_rels(r)}" for p, r in internal.items())
            lines.append(("public", f"never: exported only under tf.__internal__ ({shown}), "
                                    "which is not public API (TensorFlow generates it for its "
                                    "own packages and changes it without notice)"))
        else:
            lines.append(("public", f"never (no tf.* name exported it in TF {history.covered()})"))
    lines.append(("status", status))
    if st.moved_to:
        lines.append(("moved", f"its code lives on as {st.moved_to} "
                               f"(TF {_rels(st.home_exists)})"))
    owner_use = apimap.public_name_for(st.path) if st.public else None
    use = owner_use + tail if owner_use else None
    if use:
        rec["use_instead"] = use
        lines.append(("instead", f"{use}" + (f" ({owner_use}: " if tail else ", ")
                                 + _public_in(apimap.public_releases(owner_use))
                                 + (")" if tail else "")))
    elif st.counterpart:
        cp = st.counterpart
        rec["counterpart"] = cp["public"]
        lines.append(("instead", f"{cp['public']}, its public counterpart (compare the "
                                 f"arguments: the two signatures differ)"))
    elif st.instead:
        lines.append(("instead", st.instead))
    elif st.kind == "symbol" and not st.public:
        lines.append(("instead", "no public replacement is recorded; stop depending on it"))
    rec["summary"] = _summary_private(st.path, st, use) + (
        f" (about {name}: the history of {st.path})" if attribute else "")
    rec["lines"] = lines
    return rec


def _here(exported: Sequence[str], st: history.Story) -> Tuple[str, ...]:
    """The releases of ``exported`` in which the path itself exists: the data merges the
    exports of the same object from its other, older paths (TrackableResource was exported
    from tensorflow.python.training.tracking.tracking in 2.6–2.7, before
    tensorflow.python.trackable.resource existed)."""
    if not st.exists:
        return tuple(exported)  # a home outside TensorFlow: the exports are its history
    return tuple(r for r in exported if r in st.exists)


def _public_entry(public: str, exported: Sequence[str], tail: str) -> str:
    """"tf.X, public in TF 2.2–2.21" plus "(exported from this path in 2.3–2.14)" when
    the public name outlived (or predates) this path's export of it."""
    owner = public[: len(public) - len(tail)] if tail else public
    everywhere = apimap.public_releases(owner)
    text = f"{public}, {_public_in(everywhere or exported)}"
    if everywhere and tuple(everywhere) != tuple(exported):
        text += (f" (exported from this path in TF {_rels(exported)})" if exported else
                 " (exported from other paths of the same object)")
    return text


def _summary_private(name: str, st: history.Story, use: Optional[str]) -> str:
    if st.kind == "module":
        return f"{name} is a private module ({history.release_ranges(st.exists)})"
    text = history.describe(name)
    if not st.public and " never" not in text:
        text = text.replace(" is private", " is private and was never public", 1)
    return text


def _public_members(module: str) -> List[str]:
    """Public names (newest release) of the names a private module defines."""
    latest = _latest()
    prefix = module + "."
    out = set()
    for home in apimap.export_homes():
        if home.startswith(prefix) and "." not in home[len(prefix):]:
            pub = apimap.public_name_for(home, latest)
            if pub:
                out.add(pub)
    return sorted(out, key=_pref)


def _stable_name(public: str) -> Optional[str]:
    """The non-experimental / TF2 spelling of an experimental or compat.v1 name, if it exists now."""
    parts = public.split(".")
    cands = []
    if "experimental" in parts:
        cands.append(".".join(p for p in parts if p != "experimental"))
    if parts[1:3] == ["compat", "v1"]:
        cands.append(".".join(["tf"] + parts[3:]))
    for cand in cands:
        if cand != public and apimap.public_exists(cand, _latest()):
            return cand
    return None


def _explain_public(query: str, public: str) -> Optional[dict]:
    rels = apimap.public_releases(public)
    if not rels:
        return None
    homes = apimap.private_homes(public)
    is_module = not homes
    status, removed_in = _status(rels)
    rec: dict = {
        "query": query, "name": public, "found": True,
        "kind": "public module" if is_module else "public symbol",
        "releases": list(rels), "removed_in": removed_in,
        "private_homes": {h: list(r) for h, r in homes.items()},
        "superseded_by": None,
    }
    lines: List[Tuple[str, str]] = []
    lines.append(("what", "public module" if is_module else "public name"))
    lines.append(("releases", f"TF {_rels(rels)} (data covers {history.covered()})"))
    if homes:
        newest_first = sorted(homes.items(), key=lambda kv: apimap.releases().index(kv[1][-1]),
                              reverse=True)
        lines.append(("private", "; ".join(f"{h} (TF {_rels(r)})" for h, r in newest_first)))
    lines.append(("status", status))
    if public.split(".")[1:3] == ["compat", "v1"]:
        lines.append(("note", "a TF1 compatibility name (tf.compat.v1)"))
    stable = _stable_name(public)
    if stable:
        stable_rels = apimap.public_releases(stable)
        stable_homes = apimap.private_homes(stable)
        same = bool(set(stable_homes) & set(homes)) if homes else None
        rec["superseded_by"] = {"name": stable, "releases": list(stable_rels),
                                "same_object": same}
        kind = "TF2" if public.split(".")[1:3] == ["compat", "v1"] else "non-experimental"
        if same is None:
            relation = ""
        elif same:
            relation = ", the same object"
        else:
            relation = ", a different object: " + ", ".join(
                h for h, r in stable_homes.items() if _latest() in r)
        first = stable_rels[0] if stable_rels else None
        when = (f"public since TF {first}" if first and first != apimap.releases()[0]
                else "public in every release of the data")
        lines.append(("deprecation", f"superseded by {stable}, the {kind} name ({when}"
                                     f"{relation}); prefer it"))
    if removed_in:
        summary = f"{public} was public in TF {_rels(rels)} and is gone since TF {removed_in}"
    else:
        summary = f"{public} is {_public_in(rels)}"
    if stable:
        summary += f"; prefer {stable}"
    rec["summary"] = summary
    rec["lines"] = lines
    return rec


def _suggestions(name: str) -> List[str]:
    """Known paths / public names ending in the same last component."""
    last = name.rpartition(".")[2]
    out = []
    for mod in apimap.modules_defining(last):
        out.append(f"{mod}.{last}")
    for pub in apimap.exported_names():
        if pub.rpartition(".")[2] == last and not pub.startswith("tf.compat."):
            out.append(pub)
    return sorted(set(out) - {name}, key=lambda p: (not p.startswith("tf."), len(p), p))[:6]


def _not_found(query: str, name: str) -> dict:
    covered = history.covered()
    mod, rest = history.split_module(name)
    if mod is not None and rest:
        missing = "defined" if len(rest) == 1 else "had a submodule or defined"
        why = (f"not found in TF {covered}: {mod} (a module in TF "
               f"{_rels(history.exists_in(mod))}) never {missing} {rest[0]} at top level")
    else:
        why = f"not found in TF {covered}"
    rec = {"query": query, "name": name, "found": False, "kind": None, "summary": f"{name}: {why}",
           "did_you_mean": _suggestions(name)}
    lines = []
    if rec["did_you_mean"]:
        lines.append(("did you mean", ", ".join(rec["did_you_mean"])))
    rec["lines"] = lines
    return rec


def explain(query: str) -> dict:
    """The answer for one name, as a JSON-ready dict (``found`` says whether it is known)."""
    if hub_facts.is_hub_query(query):  # tensorflow_hub's own history (hub.Module)
        return hub_facts.explain(query, _latest())
    public = _as_public(query)
    if public is not None:
        rec = _explain_public(query, public)
        if rec is not None:
            return rec
        return _not_found(query, public)
    mod, rest = history.split_module(query)
    if mod is not None and len(rest) > 1:  # Class.attribute: the class has the history
        st = history.story(f"{mod}.{rest[0]}")
        if st.known:
            return _explain_private(query, st, ".".join(rest[1:]))
        return _not_found(query, query)
    st = history.story(query)
    if st.known or st.kind == "module":
        return _explain_private(query, st)
    return _not_found(query, query)


# ---------------------------------------------------------------------------
# command line


def _render_text(rec: dict) -> str:
    if not rec["found"]:
        out = [rec["summary"]]
    else:
        out = [f"{rec['name']}" + (f"  (asked: {rec['query']})" if rec["query"] != rec["name"] else "")]
    width = max((len(k) for k, _ in rec["lines"]), default=0)
    out.extend(f"  {k + ':':<{width + 1}} {v}" for k, v in rec["lines"])
    return "\n".join(out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = OneLineParser(
        prog="hub-dist-lint explain",
        description="Explain a TensorFlow name from the shipped API map (TF "
                    f"{history.covered()}), without importing TensorFlow: the releases it "
                    "existed in, whether it was public, when it went away and what to use instead.")
    parser.add_argument("names", nargs="+", metavar="NAME",
                        help="a private path (tensorflow.python.distribute.values.AutoPolicy), "
                             "a private module, or a public name (tf.distribute.TPUStrategy)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="json: a list with one object per NAME")
    args = parser.parse_args(argv)
    for name in args.names:
        if not _DOTTED.match(name):
            shown = name if name.strip() else repr(name)
            parser.exit(EXIT_USAGE, f"{parser.prog}: error: {shown} is not a dotted Python name "
                                    "(e.g. tensorflow.python.distribute.values.AutoPolicy or "
                                    "tf.distribute.MirroredStrategy)\n")
    records = [explain(name) for name in args.names]
    for rec in records:
        rec.setdefault("data_releases", list(apimap.releases()))
    if args.format == "json":
        for rec in records:
            rec["details"] = {k: v for k, v in rec.pop("lines")}
        write_stdout(json.dumps(records, indent=2) + "\n")
    else:
        write_stdout("\n\n".join(_render_text(rec) for rec in records) + "\n")
    return EXIT_FOUND if all(rec["found"] for rec in records) else EXIT_NOT_FOUND
