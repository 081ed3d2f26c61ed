"""Rule text (the shipped YAML files, or the program office's edit) into validated rules.

Every problem is collected before anything is refused, and each says where it is (file, line,
field, rule) and what to do, so one run of the loader or one press of Save shows them all.
"""

import typing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from interlocal.eligibility.schema import Rule, RuleFile

RULES_DIR = Path(__file__).resolve().parent / "rules"
FEDERAL_FILE = "us-federal"


@dataclass(frozen=True)
class Problem:
    source: str
    field: str
    message: str
    rule_id: str = ""
    line: int | None = None

    def in_text(self) -> str:
        """The problem as the edit form shows it, where the source is the text on screen."""
        where = ", ".join(p for p in (f"line {self.line}" if self.line else "", self.field) if p)
        return f"{where[:1].upper()}{where[1:]}: {self.message}" if where else self.message

    def __str__(self) -> str:
        where = self.source + (f" line {self.line}" if self.line else "")
        rule = f"rule {self.rule_id}: " if self.rule_id else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {rule}{field}{self.message}"


class RuleFileError(ValueError):
    """One or more rules could not be read; nothing was loaded or saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedRule:
    source: str
    rule: Rule


def read_rule_directory(directory: Path = RULES_DIR) -> list[LoadedRule]:
    """Every rule of every ``*.yaml`` file in the directory, or one error listing all problems."""
    loaded: list[LoadedRule] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            loaded += read_rule_file(path)
        except RuleFileError as exc:
            problems += exc.problems
    counts = Counter(item.rule.rule_id for item in loaded)
    for item in loaded:
        rule_id = item.rule.rule_id
        if counts[rule_id] > 1:
            files = ", ".join(sorted({i.source for i in loaded if i.rule.rule_id == rule_id}))
            message = f"is used {counts[rule_id]} times (in {files}); rule ids must be unique"
            problems.append(Problem(item.source, "rule_id", message, rule_id))
    if problems:
        raise RuleFileError(_unique(problems))
    return loaded


def read_rule_file(path: Path) -> list[LoadedRule]:
    text = path.read_text(encoding="utf-8")
    data, root = _load_yaml(text, path.name)
    try:
        rule_file = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_problems(exc, RuleFile, data, root, path.name)) from None
    problems = [
        p for index, rule in enumerate(rule_file.rules) for p in _misfiled(path, index, rule, root)
    ]
    if problems:
        raise RuleFileError(problems)
    return [LoadedRule(path.name, rule) for rule in rule_file.rules]


def parse_rule_text(text: str, source: str = "your edit") -> Rule:
    """One rule written as YAML (the edit form's text)."""
    data, root = _load_yaml(text, source)
    try:
        return Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_problems(exc, Rule, data, root, source)) from None


def rule_body(rule: Rule) -> dict[str, Any]:
    """The stored form: JSON-safe (dates and amounts as text), every field present."""
    return rule.model_dump(mode="json")


class _Dumper(yaml.SafeDumper):
    """Long texts as folded blocks (``>-``), the way the shipped files write them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def rule_text(rule: Rule) -> str:
    """The rule as readable YAML, leaving out fields at their defaults."""
    body = rule.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)


def _load_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(
            [Problem(source, "", f"not valid YAML ({problem}); check the indentation", line=line)]
        ) from None


def _misfiled(path: Path, index: int, rule: Rule, root: yaml.Node | None) -> Iterator[Problem]:
    """A state's file holds only that state's rules, so reviewers find a rule where they expect."""
    stem = path.stem.lower()
    layer, state = rule.jurisdiction.layer, rule.jurisdiction.state
    loc: tuple[Any, ...] = ("rules", index, "jurisdiction")
    line = _line_of(root, loc)
    if stem == FEDERAL_FILE and layer != "federal_overlay":
        yield Problem(
            path.name,
            "jurisdiction.layer",
            "us-federal.yaml holds only the federal overlay; move this rule to its state's file",
            rule.rule_id,
            line,
        )
    elif len(stem) == 2 and state != stem.upper():
        yield Problem(
            path.name,
            "jurisdiction.state",
            f"is {state or 'empty'} but the file is "
            f"{stem.upper()}'s; move the rule to {(state or 'us-federal').lower()}.yaml",
            rule.rule_id,
            line,
        )


def _problems(
    exc: ValidationError, model: type[BaseModel], data: Any, root: yaml.Node | None, source: str
) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        problems.append(
            Problem(
                source=source,
                field=_path(loc[2:] if loc[:1] == ("rules",) else loc) or "(the whole text)",
                message=_message(error, model, loc),
                rule_id=_rule_id_at(data, loc),
                line=_line_of(root, loc),
            )
        )
    return _unique(problems)


def _message(error: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"unknown field '{loc[-1]}'{hint} (see docs/eligibility.md)"
    if kind == "missing":
        return "this required field is missing"
    return str(error["msg"]).removeprefix("Value error, ")


def _path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _rule_id_at(data: Any, loc: tuple[Any, ...]) -> str:
    if loc[:1] == ("rules",) and len(loc) > 1 and isinstance(data, dict):
        rules = data.get("rules")
        if isinstance(rules, list) and isinstance(loc[1], int) and loc[1] < len(rules):
            rule = rules[loc[1]]
            return str(rule.get("rule_id", "")) if isinstance(rule, dict) else ""
    if isinstance(data, dict) and "rules" not in data:
        return str(data.get("rule_id", ""))
    return ""


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest part of ``loc`` found in the YAML (1-based)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if child is None:  # an unknown key: point at the key itself
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            return line
        node, line = child, child.start_mark.line + 1
    return line


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        current = _model_in(field.annotation) if field is not None else None
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
