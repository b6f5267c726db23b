"""Drafting a mapping profile from a file: ``tipis profile infer FILE``.

Reads the file's header and a sample of its rows and guesses, column by column, where each
goes in the standard: first from the header (labels and common abbreviations in the six UN
languages: "Sexo", "F. nac.", "Nationalité", "Пол", "性别", "الجنس"...), then from the values
(a column whose values mostly name codes of a code list, countries, dates or whole numbers).
Local values that a code list does not know get a ``map`` where the guess is safe (Spanish
H/M is hombre/mujer) and a comment where it is not. The draft is for a person to review: every
guess is explained in the comments above the YAML, with what could not be mapped and why.

Values of personal columns (names, birth dates, documents, contacts) never appear in comments.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from tipis.ingest.mapping import list_fields
from tipis.ingest.normalise import clean_text, fold, to_int
from tipis.ingest.profile import FieldRule, OrganisationRef, Profile
from tipis.ingest.readers import ReadOptions, SourceTable, open_table
from tipis.standard.codes import codelist
from tipis.standard.resolver import resolve_country

__all__ = ["Draft", "infer_profile"]

#: Rows read to judge the values.
SAMPLE_ROWS = 500
#: Share of a column's values that must fit for a guess from values.
FIT = 0.8
#: Separators tried for multi-value cells, most specific first.
SEPARATORS = (" / ", ";", "|", ",", "/")
#: The organisation of a draft: the person reviewing it must say who recorded the cases.
PLACEHOLDER_ORGANISATION = OrganisationRef(
    name="EDIT ME: the organisation that recorded these cases",
    type="NGO",
    country="ZZZ",  # ISO 3166 user-assigned: no country
)

_V = "victims[0]."
_P = "victims[0].person."
_PD = "victims[0].person.personal."

#: Target -> header labels (six UN languages, abbreviations), matched folded.
HEADERS: dict[str, tuple[str, ...]] = {
    "reference": (
        "nº atestado", "n atestado", "atestado", "nº expediente", "expediente", "referencia",
        "nº caso", "numero de caso", "case number", "case no", "case id", "case reference",
        "reference", "ref", "case", "caso", "numero", "numéro", "n dossier", "dossier",
        "numéro de dossier", "номер дела", "дело", "案件编号", "案件号", "رقم القضية", "client id",
        "call id", "record id", "id",
    ),
    "opened_on": (
        "fecha", "fecha de apertura", "fecha de registro", "fecha alta", "date", "date opened",
        "opened", "opened on", "date of referral", "referral date", "registration date",
        "date d'ouverture", "date de signalement", "date controle", "date du controle",
        "received at", "дата", "дата регистрации", "日期", "登记日期", "التاريخ", "تاريخ التسجيل",
    ),
    _PD + "birth_date": (
        "fecha nacimiento", "fecha de nacimiento", "f nac", "f nacimiento", "nacimiento", "dob",
        "d o b", "date of birth", "birth date", "birthdate", "born", "date de naissance",
        "date naissance", "né le", "дата рождения", "出生日期", "تاريخ الميلاد",
    ),
    _P + "gender": (
        "sexo", "sex", "gender", "género", "genero", "sexe", "genre", "пол", "性别", "الجنس",
        "النوع الاجتماعي",
    ),
    _V + "age_at_identification": (
        "edad", "age", "âge", "age declare", "age estimate", "age at identification",
        "возраст", "年龄", "العمر", "السن",
    ),
    _P + "citizenships": (
        "nacionalidad", "nationality", "nationalité", "nationalite", "citizenship",
        "ciudadanía", "citoyenneté", "гражданство", "национальность", "国籍", "الجنسية",
    ),
    _V + "exploitation_forms": (
        "tipo de explotación", "explotación", "forma de explotación", "exploitation type",
        "type of exploitation", "form of exploitation", "exploitation", "type d'exploitation",
        "forme d'exploitation", "вид эксплуатации", "форма эксплуатации", "剥削形式", "剥削类型",
        "نوع الاستغلال", "شكل الاستغلال", "concern",
    ),
    _V + "means_of_control": (
        "medios de control", "means of control", "methods of control", "moyens de contrôle",
        "indices", "средства контроля", "控制手段", "وسائل السيطرة",
    ),
    _V + "trafficking_status": (
        "situación", "situacion", "trafficking status", "victim status", "estatus", "statut",
        "статус", "身份状态", "الحالة",
    ),
    _V + "labour_industries": (
        "sector", "secteur", "industry", "sector de actividad", "secteur d'activité",
        "отрасль", "行业", "القطاع",
    ),
    _V + "services[0].type": (
        "services", "services provided", "servicios", "servicios prestados", "prestations",
        "услуги", "服务", "الخدمات",
    ),
    _PD + "given_name": (
        "nombre", "first name", "given name", "forename", "prénom", "prenom", "имя", "名",
        "الاسم", "الاسم الأول",
    ),
    _PD + "family_name": (
        "apellidos", "apellido", "surname", "last name", "family name", "nom",
        "nom de famille", "фамилия", "姓", "اسم العائلة", "اللقب",
    ),
    _PD + "identity_numbers": (
        "documento", "dni", "nie", "pasaporte", "passport", "id number", "identity number",
        "document", "numéro de document", "документ", "паспорт", "证件号码", "护照号码",
        "رقم الهوية", "رقم جواز السفر",
    ),
    _PD + "phone": (
        "teléfono", "telefono", "tel", "phone", "telephone", "téléphone", "mobile", "móvil",
        "callback", "телефон", "电话", "الهاتف",
    ),
    _PD + "email": (
        "email", "e mail", "correo", "correo electrónico", "courriel", "адрес электронной почты",
        "почта", "电子邮件", "البريد الإلكتروني",
    ),
}  # fmt: skip

#: Target -> code list (when the target's values are codes).
CODELISTS: dict[str, str] = {
    _P + "gender": "gender",
    _V + "exploitation_forms": "exploitation_form",
    _V + "means_of_control": "means_of_control",
    _V + "trafficking_status": "trafficking_status",
    _V + "labour_industries": "labour_industry",
    _V + "services[0].type": "support_type",
}
#: Code lists worth trying on a column whose header says nothing, with their targets.
VALUE_TARGETS: dict[str, str] = {name: target for target, name in CODELISTS.items()}
#: Targets whose values are whole numbers, with the largest plausible one.
INTS: dict[str, float] = {_V + "age_at_identification": 120}
DATES = frozenset({"opened_on", _PD + "birth_date"})
COUNTRIES = frozenset({_P + "citizenships"})
#: Values that mean "not known" in the six languages (never a country: "NA" is Namibia).
MISSING = frozenset(
    fold(v)
    for v in (
        "unknown", "not known", "not recorded", "none", "none yet", "n/a", "-", "-99",
        "desconocido", "no consta", "sin datos", "ninguno", "inconnu", "non renseigné",
        "aucun", "неизвестно", "нет данных", "未知", "不详", "غير معروف",
    )
)  # fmt: skip
_SLASHED_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})")


@dataclass
class Draft:
    """A drafted profile and the comments (``# `` lines) that explain it, to put above it."""

    profile: Profile
    comments: str


@dataclass
class _Column:
    """What the sample says about one column."""

    name: str
    values: list[object] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [t for t in (clean_text(v) for v in self.values) if t is not None]

    @property
    def unique(self) -> bool:
        texts = self.texts
        return bool(texts) and len(set(texts)) == len(texts)


@dataclass
class _Guess:
    rule: FieldRule
    note: str


def infer_profile(path: Path, name: str | None = None) -> Draft:
    """Draft a profile for ``path``. Raises ``FileProblem`` if the file cannot be read."""
    table = open_table(Path(path))
    columns = _sample(table)
    notes = [
        f"Draft profile for {Path(path).name}, made by `tipis profile infer` from its header "
        f"and {max((len(c.values) for c in columns), default=0)} rows.",
        "Review every line before importing: these are guesses.",
        "EDIT the organisation: who recorded these cases (name, type, ISO country code).",
    ]
    guesses, unmapped = _guess_columns(columns)
    reference, key, key_note = _identifiers(columns, guesses)
    rules = [g.rule for g in guesses]
    if reference is not None:
        rules.insert(0, FieldRule(target="reference", column=reference, required=True))
    notes += [f"{g.rule.column}: {g.note}" for g in guesses]
    notes.append(key_note)
    notes += [f"{c}: not mapped ({why})" for c, why in unmapped]
    profile = Profile(
        name=name or _slug(Path(path).stem),
        title=f"Drafted from {Path(path).name}",
        read=_read_options(table),
        organisation=PLACEHOLDER_ORGANISATION,
        key=key,
        fields=rules,
    )
    return Draft(profile, "".join(f"# {line}\n" for line in notes))


def _sample(table: SourceTable) -> list[_Column]:
    columns = {name: _Column(name) for name in table.columns}
    for row in islice(table.rows(), SAMPLE_ROWS):
        for name, value in row.values.items():
            if name in columns and value is not None and clean_text(value) is not None:
                columns[name].values.append(value)
    return list(columns.values())


def _read_options(table: SourceTable) -> ReadOptions:
    if table.format == "csv":
        return ReadOptions(format="csv", delimiter=table.delimiter, encoding=table.encoding)
    if table.format == "json":
        return ReadOptions(format="json", records_path=table.options.records_path)
    return ReadOptions(format="xlsx" if table.format == "xlsx" else "jsonl")


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9_\-]+", "_", fold(stem).replace(" ", "_")).strip("_")
    return slug or "draft"


# --- columns to targets -------------------------------------------------------------------


def _guess_columns(columns: Sequence[_Column]) -> tuple[list[_Guess], list[tuple[str, str]]]:
    """A rule for each column whose header or values say where it goes; the rest, with why."""
    guesses: list[_Guess] = []
    unmapped: list[tuple[str, str]] = []
    taken: set[str] = set()
    for column in columns:
        target = _target_of_header(column.name)
        if target == "reference" or (target is None and _is_identifier(column)):
            continue  # identifiers are chosen together (``_identifiers``)
        if target is None:
            target = _target_of_values(column)
        if target is None:
            unmapped.append((column.name, _why_not(column)))
            continue
        if target in taken:
            unmapped.append((column.name, f"{target} is already mapped from another column"))
            continue
        guess = _rule_for(target, column)
        if guess is None:
            unmapped.append((column.name, f"its header suggests {target}, its values do not"))
            continue
        taken.add(target)
        guesses.append(guess)
    return guesses, unmapped


def _why_not(column: _Column) -> str:
    if not column.values:
        return "empty in the sample"
    if any(isinstance(v, list) and v and isinstance(v[0], dict) for v in column.values):
        return f"nested records: for one row each, set read: {{explode: {column.name}}}"
    return "no field of the standard matched its name or its values"


def _header_keys(header: str) -> list[str]:
    """The header folded, and its last part for nested names (``person.sex`` -> ``sex``)."""
    keys = [fold(header)]
    if "." in header:
        keys.append(fold(header.rsplit(".", 1)[1]))
    return keys


def _target_of_header(header: str) -> str | None:
    """The target a header names: exactly, else the longest label its words contain."""
    keys = _header_keys(header)
    for key in keys:
        for target, labels in HEADERS.items():
            if key in _folded(labels):
                return target
    best: tuple[int, str] | None = None
    for key in keys:
        words = f" {key} "
        for target, labels in HEADERS.items():
            for label in _folded(labels):
                if (
                    len(label) > 2
                    and f" {label} " in words
                    and (best is None or len(label) > best[0])
                ):
                    best = (len(label), target)
    return best[1] if best else None


def _folded(labels: Iterable[str]) -> set[str]:
    return {fold(label) for label in labels}


def _target_of_values(column: _Column) -> str | None:
    """A target from the values alone: a code list most of them name."""
    texts = column.texts
    if not texts:
        return None
    for name, target in VALUE_TARGETS.items():
        split = _split_for(texts, name) if _is_list(target) else None
        if _share_in(texts, name, split) >= FIT:
            return target
    return None


def _is_identifier(column: _Column) -> bool:
    return column.unique and any(
        k in ("id", "ref", "no", "nº") or k.endswith(" id") for k in _header_keys(column.name)
    )


def _is_list(target: str) -> bool:
    return target.rsplit(".", 1)[-1] in list_fields() or target.endswith("].type")


# --- one target, one rule -----------------------------------------------------------------


def _rule_for(target: str, column: _Column) -> _Guess | None:
    if target in CODELISTS:
        return _code_rule(target, column)
    if target in COUNTRIES:
        return _country_rule(target, column)
    if target in DATES:
        return _date_rule(target, column)
    if target in INTS:
        return _int_rule(target, column)
    return _Guess(FieldRule(target=target, column=column.name), f"-> {target} (from its name)")


def _code_rule(target: str, column: _Column) -> _Guess | None:
    name = CODELISTS[target]
    texts = column.texts
    split = _split_for(texts, name) if _is_list(target) else None
    local = _local_map(name, texts, split)
    share = _share_in(texts, name, split, local)
    if texts and share < FIT / 2:
        return None
    unmatched = sorted(_unmatched(texts, name, split, local))
    note = f"-> {target} (code list {name}; {share:.0%} of the sample's values match"
    note += f"; several values per cell, separated by '{split}'" if split else ""
    note += f"; local values mapped: {_shown(local)}" if local else ""
    note += f"; NOT matched, add them to map: {', '.join(unmatched[:10])}" if unmatched else ""
    rule = FieldRule(target=target, column=column.name, codelist=name, split=split,
                     map=local)  # fmt: skip
    return _Guess(rule, note + ")")


def _shown(local: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {'missing' if v is None else v}" for k, v in local.items())


def _country_rule(target: str, column: _Column) -> _Guess | None:
    texts = column.texts
    found = Counter(resolve_country(t).kind or "country" for t in set(texts))
    placeholders = sorted({t for t in texts if resolve_country(t).kind == "placeholder"})
    resolved = sum(1 for t in texts if resolve_country(t).iso3 is not None)
    share = resolved / len(texts) if texts else 1.0
    if texts and share < FIT / 2:
        return None
    local: dict[str, Any] = dict.fromkeys(placeholders)
    note = f"-> {target} (countries: {share:.0%} of the sample's values name one"
    note += f"; read as missing: {', '.join(placeholders)}" if placeholders else ""
    others = {k: n for k, n in found.items() if k not in ("country", "placeholder")}
    note += f"; not countries: {dict(others)}" if others else ""
    rule = FieldRule(target=target, column=column.name, type="country", map=local)
    return _Guess(rule, note + ")")


def _date_rule(target: str, column: _Column) -> _Guess | None:
    formats, how = _date_formats(column.values)
    if how is None:
        return None
    rule = FieldRule(target=target, column=column.name, type="date", formats=formats,
                     required=target == "opened_on")  # fmt: skip
    return _Guess(rule, f"-> {target} (dates: {how})")


def _int_rule(target: str, column: _Column) -> _Guess | None:
    whole = sum(1 for v in column.values if _is_int(v))
    if column.values and whole / len(column.values) < FIT:
        return None
    rule = FieldRule(target=target, column=column.name, type="int", max=INTS[target])
    return _Guess(rule, f"-> {target} (whole numbers, at most {INTS[target]:.0f})")


def _is_int(value: object) -> bool:
    try:
        to_int(value)
    except ValueError:
        return False
    return True


# --- identifiers --------------------------------------------------------------------------


def _identifiers(
    columns: Sequence[_Column], guesses: Sequence[_Guess]
) -> tuple[str | None, list[str], str]:
    """The reference column, the key columns, and a note saying why."""
    used = {g.rule.column for g in guesses}
    named = [c for c in columns if c.name not in used and _target_of_header(c.name) == "reference"]
    ids = [c for c in columns if c.name not in used and c not in named and _is_identifier(c)]
    reference = named[0] if named else (ids[0] if ids else None)
    if reference is None:
        return None, [], "key: none found; each distinct row will be its own record"
    if reference.unique:
        note = f"{reference.name}: -> reference and key (unique in the sample)"
        return reference.name, [reference.name], note
    unique = next((c for c in [*named[1:], *ids] if c.unique), None)
    if unique is None:
        note = (f"{reference.name}: -> reference; it repeats, and no column identifies a row: "
                "without a key, each distinct row is its own record")  # fmt: skip
        return reference.name, [], note
    note = (f"{reference.name}: -> reference (it repeats: several rows per case); "
            f"{unique.name}: -> key (unique in the sample)")  # fmt: skip
    return reference.name, [unique.name], note


# --- values -------------------------------------------------------------------------------


def _split_for(texts: Sequence[str], name: str) -> str | None:
    """The separator whose pieces match the code list best, if splitting helps."""
    best, best_share = None, _share_in(texts, name, None)
    for separator in SEPARATORS:
        if not any(separator in t for t in texts):
            continue
        share = _share_in(texts, name, separator.strip() or separator)
        if share > best_share:
            best, best_share = separator.strip() or separator, share
    return best


def _pieces(texts: Iterable[str], split: str | None) -> list[str]:
    if split is None:
        return list(texts)
    return [p for t in texts for p in (clean_text(x) for x in t.split(split)) if p is not None]


def _matches(name: str, value: str, local: dict[str, Any]) -> bool:
    return fold(value) in {fold(k) for k in local} or codelist(name).lookup(value) is not None


def _share_in(
    texts: Sequence[str], name: str, split: str | None, local: dict[str, Any] | None = None
) -> float:
    pieces = _pieces(texts, split)
    if not pieces:
        return 0.0
    return sum(1 for p in pieces if _matches(name, p, local or {})) / len(pieces)


def _unmatched(
    texts: Sequence[str], name: str, split: str | None, local: dict[str, Any]
) -> set[str]:
    return {p for p in _pieces(texts, split) if not _matches(name, p, local)}


def _local_map(name: str, texts: Sequence[str], split: str | None) -> dict[str, Any]:
    """Local values the code list would misread or not know: sex letters, 'unknown' words."""
    values = set(_pieces(texts, split))
    local: dict[str, Any] = _sex_letters(values) if name == "gender" else {}
    for value in sorted(values):
        if value in local or codelist(name).lookup(value) is not None:
            continue
        if fold(value) in MISSING:
            local[value] = None
            continue
        suggestions = codelist(name).suggest(value)
        if len(suggestions) == 1:
            local[value] = suggestions[0]
    return local


def _sex_letters(values: set[str]) -> dict[str, Any]:
    """One-letter sex codes in the file's language: Spanish H/M (hombre/mujer) or V/M
    (varón/mujer), French H/F (homme/femme). The code list reads M as masculine."""
    letters = {v.upper() for v in values if len(v) == 1}
    if "M" in letters and letters & {"H", "V"} and "F" not in letters:
        male = "H" if "H" in letters else "V"
        return {male: "Masculine", "M": "Feminine"}
    if {"H", "F"} <= letters:
        return {"H": "Masculine", "F": "Feminine"}
    return {}


def _date_formats(values: Sequence[object]) -> tuple[list[str], str | None]:
    """strptime formats for the sample's dates, and how they were read (None: not dates)."""
    if not values:
        return [], "none in the sample"
    if all(isinstance(v, date | datetime) for v in values):
        return [], "spreadsheet dates"
    texts = [t for t in (clean_text(v) for v in values) if t is not None]
    if sum(1 for t in texts if _is_iso(t)) >= FIT * len(texts):
        return [], "ISO, YYYY-MM-DD"
    matches = [m for m in (_SLASHED_DATE.fullmatch(t) for t in texts) if m is not None]
    if len(matches) < FIT * len(texts):
        return [], None
    separator = matches[0][2]
    year = "%Y" if len(matches[0][4]) == 4 else "%y"
    day_first = any(int(m[1]) > 12 for m in matches)
    month_first = any(int(m[3]) > 12 for m in matches)
    if month_first and not day_first:
        return [f"%m{separator}%d{separator}{year}"], "month first (a second number is over 12)"
    how = (
        "day first (a first number is over 12)"
        if day_first
        else ("day first ASSUMED: no value shows the order, check it")
    )
    return [f"%d{separator}%m{separator}{year}"], how


def _is_iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
