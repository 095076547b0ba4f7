"""From a file to a validated model, with errors a range master can act on.

`read_text` (through `hardware.files`) is the only I/O here. Validation errors become one
line: the file, the key path, what was expected, what was found, and the nearest valid
name for a typo."""

from __future__ import annotations

import difflib
import hashlib
import tomllib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import pydantic_core
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from hardware import files
from range.errors import ScenarioError
from range.scenario.units import SI_UNIT, Dimension

ModelT = TypeVar("ModelT", bound=BaseModel)

_EXPECTED: dict[str, str] = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "float_parsing": "a number",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "tuple_type": "a list",
    "bool_type": "true or false",
}


def read_text(path: Path) -> str:
    return files.read_text(path, "a TOML file", ScenarioError)


def parse_toml(text: str, source: str,
               error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: expected TOML, found a syntax error: {exc}") from exc
    except RecursionError:
        raise error(f"{source}: expected TOML nested a few levels deep, found it nested "
                    "deeper than Python can read") from None


def parse_model(model: type[ModelT], text: str, source: str,
                error: type[ScenarioError] = ScenarioError) -> ModelT:
    """TOML text validated against a model, or one clear line."""
    return validate_model(model, parse_toml(text, source, error), source, error)


def validate_model(model: type[ModelT], data: Any, source: str,
                   error: type[ScenarioError] = ScenarioError) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # An unknown key first: a misspelt key is also reported as a missing one, and
        # the unknown one carries the suggestion.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        problems = list(dict.fromkeys(describe(model, e, source) for e in _typos_once(errors)))
        more = len(problems) - 1
        raise error(problems[0] + (f" (+{more} more problems)" if more else ""),
                    problems) from None


class Strict(BaseModel):
    """Base of every file model: unknown keys refused, numbers finite, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass(frozen=True, slots=True)
class Unit:
    """Marks a quantity field, so a bound on it is stated in its SI unit."""

    dimension: Dimension


@dataclass(frozen=True, slots=True)
class Shape:
    """Says in words what a string pattern asks for."""

    words: str


def _exact_int(value: object) -> object:
    if isinstance(value, bool | float):
        raise ValueError(f"expected the whole number 1, found {value!r}")
    return value


# `schema_version = true` or `1.0` would pass a plain Literal[1]: 1 == True == 1.0.
SchemaVersion = Annotated[Literal[1], BeforeValidator(_exact_int)]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$"),
                 Shape("lower-case letters, digits, '-' or '_', starting with a letter")]
Key = Annotated[str, Field(pattern=r"^[0-9A-Za-z]$"), Shape("one letter or digit")]


def _typos_once(errors: list[Any]) -> list[Any]:
    """A misspelt key is both unknown and, under its right name, missing: keep the unknown
    one, which carries the suggestion."""
    misspelt = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            parent, key = tuple(e["loc"][:-1]), str(e["loc"][-1])
            known = [str(k) for x in errors if x["type"] == "missing"
                     and tuple(x["loc"][:-1]) == parent for k in x["loc"][-1:]]
            misspelt |= {(parent, m) for m in difflib.get_close_matches(key, known, 1, 0.6)}
    return [e for e in errors if e["type"] != "missing"
            or (tuple(e["loc"][:-1]), str(e["loc"][-1])) not in misspelt]


def describe(model: type[BaseModel], error: Any, source: str) -> str:
    loc = tuple(part for part in error["loc"] if not _is_type_tag(part))
    where = f"{source}: {key_path(loc)}" if loc else source
    kind = error["type"]
    found = error.get("input")
    shown = clip(repr(found))
    if kind == "missing":
        present = found if isinstance(found, dict) else {}
        return (f"{where}: expected a value (the key is required), found no such key"
                f"{suggest(str(loc[-1]), map(str, present))}")
    if kind == "extra_forbidden":
        known = field_names(model, loc[:-1])
        return (f"{where}: expected one of the keys {sorted(known)}, found unknown key "
                f"{loc[-1]!r}{suggest(str(loc[-1]), known)}")
    if kind == "value_error":
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"]
        return f"{where}: expected {expected}, found {shown}{literal_hint(found, expected)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        unit = _marker(model, loc, Unit)
        bound = bound_text(kind, error["ctx"], unit.dimension if unit else None)
        return f"{where}: expected a value {bound}, found {shown}"
    if kind in ("too_short", "too_long"):
        return f"{where}: expected {error['msg'].lower()}"
    if kind == "string_pattern_mismatch":
        shape = _marker(model, loc, Shape)
        words = shape.words if shape else f"text matching {error['ctx']['pattern']}"
        return f"{where}: expected {words}, found {shown}"
    expected = _EXPECTED.get(kind, error["msg"])
    return f"{where}: expected {expected}, found {shown}"


def clip(text: str, limit: int = 80) -> str:
    """A value as an error shows it: cut, so a huge value cannot flood the line."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


# The names pydantic puts in an error's location for the member of a union it tried.
_TYPE_TAGS = ("function-", "literal[", "list[", "dict[", "tuple[", "union[", "nullable[")


def _is_type_tag(part: object) -> bool:
    return isinstance(part, str) and (part.startswith(_TYPE_TAGS) or part in (
        "str", "int", "float", "bool", "none", "is-instance", "chain"))


def key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def bound_text(kind: str, ctx: dict[str, Any], dimension: Dimension | None = None) -> str:
    symbol = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
              "less_than_equal": "<="}[kind]
    unit = f" {SI_UNIT[dimension]}" if dimension else ""
    return f"{symbol} {next(iter(ctx.values()))}{unit}"


def literal_hint(found: object, expected: str) -> str:
    options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
    return suggest(str(found), options)


def suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """The keys the model accepts at `loc`, found by walking the field annotations."""
    target = annotation_at(model, loc)
    return set(target.model_fields) if _is_model(target) else set()


def annotation_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The annotation of the value at `loc` (None where the walk loses its way)."""
    target: Any = model
    for part in loc:
        target = _step(target, part)
        if target is None:
            return None
    return target


MarkerT = TypeVar("MarkerT")


def _marker(model: type[BaseModel], loc: tuple[Any, ...], kind: type[MarkerT]
            ) -> MarkerT | None:
    """A marker of `kind` in the metadata of the field at `loc`, if any."""
    return next((m for m in _metadata_at(model, loc) if isinstance(m, kind)), None)


def _metadata_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[Any]:
    """The Annotated metadata of the value at `loc`: a model keeps a field's in its
    FieldInfo, a list or table item keeps its own in the annotation."""
    if not loc:
        return []
    found: list[Any] = []
    for parent in _unwrap(annotation_at(model, loc[:-1])):
        if _is_model(parent) and loc[-1] in parent.model_fields:
            info = parent.model_fields[loc[-1]]
            found += [*info.metadata, *_annotated_metadata(info.annotation)]
        else:
            found += _annotated_metadata(_step(parent, loc[-1]))
    return found


def _annotated_metadata(annotation: Any) -> list[Any]:
    """Metadata of the Annotated forms inside an annotation (through Optional, unions)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        return [*args[1:], *_annotated_metadata(args[0])]
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _annotated_metadata(arg)]
    return []


def _step(annotation: Any, part: Any) -> Any:
    for candidate in _unwrap(annotation):
        if _is_model(candidate) and isinstance(part, str) and part in candidate.model_fields:
            return candidate.model_fields[part].annotation
        origin = typing.get_origin(candidate)
        args = typing.get_args(candidate)
        if origin is list and isinstance(part, int):
            return args[0]
        if origin is dict and isinstance(part, str):
            return args[1]
    return None


def _unwrap(annotation: Any) -> list[Any]:
    """Candidates inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for arg in typing.get_args(annotation) for c in _unwrap(arg)]
    return [annotation]


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def content_hash(model: object) -> str:
    """SHA-256 of a validated model's content (a pydantic model or a dataclass, less any
    `source` path): the same for a file moved, reformatted or commented, different for
    any change in what it says."""
    return hashlib.sha256(pydantic_core.to_json(model, exclude={"source"})).hexdigest()
