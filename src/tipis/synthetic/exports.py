"""Agencies' own files: the messy inputs that ``tipis.ingest`` has to read.

Owns ``write_agency_exports``: from synthetic cases it writes what four agencies would send,
each in its own format, language and habits, and beside them ``ground_truth.csv``, which says
which records are the same person (for testing record linkage; never shown to users):

- ``policia_es.csv``: Spanish police, ``;``-separated, cp1252, dd/mm/yyyy, H/M, one row per
  victim, nationalities typed by hand (sometimes in capitals, without accents);
- ``ngo_shelter_en.xlsx``: an English NGO's client register with banner rows above the
  header and services as one comma-separated cell;
- ``inspection_travail_fr.json``: a French labour inspectorate's inspections, nested
  (``employeur``, ``travailleurs``), sectors as ISIC labels in French;
- ``hotline_es.jsonl``: a Spanish hotline's calls, one JSON object per line.

Some people appear in several files (and a few twice in one), recorded differently
(``variation``). Only generated names and fictional contacts appear.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tipis.standard.codes import codelist, glotip_form_group
from tipis.standard.geography import country
from tipis.standard.records import Case, Organisation, Victim
from tipis.synthetic.generator import demo_organisations, fictional_phone, generate_cases
from tipis.synthetic.variation import Identity, strip_accents, vary

__all__ = ["ExportSet", "write_agency_exports"]

#: Share of each agency's records that are about a person already in the police file.
OVERLAP = {"ngo": 0.12, "labour": 0.10, "hotline": 0.25}
#: Share of the NGO's records that repeat one of its own clients (re-admitted, re-typed).
NGO_REPEATS = 0.03

_PROVINCIAS = {"Bilbao": "Bizkaia"}  # other demo cities name their province
_DEPARTEMENTS = {
    "Paris": "75 - Paris", "Marseille": "13 - Bouches-du-Rhône", "Lyon": "69 - Rhône",
    "Lille": "59 - Nord", "Toulouse": "31 - Haute-Garonne", "Bordeaux": "33 - Gironde",
    "Nice": "06 - Alpes-Maritimes",
}  # fmt: skip
_EMPLOYEURS = (
    "SARL Les Vergers du Midi", "EARL Domaine des Trois Chênes", "SAS BTP Horizon Bâtiment",
    "Restaurant Le Petit Zinc", "SARL Nettoyage Express Services", "Atelier Textile du Nord",
    "SAS Maraîchage de la Vallée", "Hôtel des Voyageurs", "SARL Transports Rapides du Sud",
    "Entreprise Bâtiment Martin et Fils",
)  # fmt: skip
_NGO_GENDER = {"F": "Female", "M": "Male", "X": "Non-binary", "": "Not recorded"}
_HOTLINE_LANGUAGES = ("es", "ro", "en", "fr", "pt", "ru", "ar", "zh")
#: A ground-truth row: agency file, record id in that file, true person key.
Row = tuple[str, str, str]


@dataclass(frozen=True)
class ExportSet:
    """The files ``write_agency_exports`` wrote."""

    police_csv: Path
    ngo_xlsx: Path
    labour_json: Path
    hotline_jsonl: Path
    ground_truth: Path

    @property
    def exports(self) -> tuple[Path, ...]:
        """The agencies' files (not the ground truth)."""
        return (self.police_csv, self.ngo_xlsx, self.labour_json, self.hotline_jsonl)


@dataclass(frozen=True)
class _Record:
    """One victim as an agency saw them: who (identity) and the case around them."""

    identity: Identity
    case: Case
    victim: Victim


def write_agency_exports(folder: Path, seed: int, cases_per_agency: int = 500) -> ExportSet:
    """Write the four agencies' files and ``ground_truth.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    organisations = demo_organisations(seed)
    pick = _organisation_picker(organisations)
    police = _records(cases_per_agency, seed + 1, pick("ESP", "LawEnforcement"))
    ngo = _records(cases_per_agency, seed + 2, pick("GBR", "NGO"))
    labour = _records(
        cases_per_agency, seed + 3, pick("FRA", "LabourInspectorate"), forced_labour=True
    )
    hotline = _records(cases_per_agency, seed + 4, pick("ESP", "Hotline"))
    named = [r for r in police if r.identity.given and r.identity.family]
    ngo = _overlap(ngo, named, OVERLAP["ngo"], rnd)
    ngo = _overlap(ngo, ngo[: len(ngo) // 2], NGO_REPEATS, rnd)
    labour = _overlap(labour, named, OVERLAP["labour"], rnd)
    hotline = _overlap(hotline, named, OVERLAP["hotline"], rnd)
    exports = ExportSet(
        police_csv=folder / "policia_es.csv",
        ngo_xlsx=folder / "ngo_shelter_en.xlsx",
        labour_json=folder / "inspection_travail_fr.json",
        hotline_jsonl=folder / "hotline_es.jsonl",
        ground_truth=folder / "ground_truth.csv",
    )
    truth = [
        *_write_police(exports.police_csv, police, rnd),
        *_write_ngo(exports.ngo_xlsx, ngo, pick("GBR", "NGO"), rnd),
        *_write_labour(exports.labour_json, labour, pick("FRA", "LabourInspectorate"), rnd),
        *_write_hotline(exports.hotline_jsonl, hotline, rnd),
    ]
    _write_truth(exports.ground_truth, truth)
    return exports


def _organisation_picker(
    organisations: Sequence[Organisation],
) -> Callable[[str, str], Organisation]:
    def pick(iso3: str, type_code: str) -> Organisation:
        return next(o for o in organisations if o.country == iso3 and o.type == type_code)

    return pick


def _records(
    count: int, seed: int, organisation: Organisation, *, forced_labour: bool = False
) -> list[_Record]:
    """Victims of ``count`` cases opened by ``organisation`` (forced labour only, if asked)."""
    records: list[_Record] = []
    cases = 0
    for case in generate_cases(count * (4 if forced_labour else 1), seed, [organisation]):
        victims = [v for v in case.victims if not forced_labour or _is_labour(v)]
        if not victims:
            continue
        records += [_Record(_identity(v), case, v) for v in victims]
        cases += 1
        if cases == count:
            break
    return records


def _is_labour(victim: Victim) -> bool:
    return any(glotip_form_group(f) == "ForcedLabour" for f in victim.exploitation_forms)


def _identity(victim: Victim) -> Identity:
    person, personal = victim.person, victim.person.personal
    sex = {"Feminine": "F", "Masculine": "M", "NonSpecifiedUnknown": ""}.get(person.gender, "X")
    return Identity(
        key=str(person.id),
        given=(personal.given_name or "") if personal else "",
        family=(personal.family_name or "") if personal else "",
        sex=sex,
        birth=personal.birth_date if personal else None,
        age=victim.age_at_identification,
        nationality=person.citizenship or "",
    )


def _overlap(
    records: list[_Record], others: Sequence[_Record], share: float, rnd: random.Random
) -> list[_Record]:
    """Replace a share of ``records``' people by varied copies of people in ``others``."""
    if not others:
        return records
    result = []
    for record in records:
        if rnd.random() < share:
            source = rnd.choice(others).identity
            record = _Record(vary(source, rnd), record.case, record.victim)
        result.append(record)
    return result


# --- Spanish police CSV -------------------------------------------------------------------

_POLICE_COLUMNS = (
    "Nº Atestado", "Ref. víctima", "Fecha", "Provincia", "Nombre", "Apellidos", "Sexo", "Edad",
    "Fecha nacimiento", "Nacionalidad", "Documento", "Teléfono", "Tipo de explotación",
    "Medios de control", "Situación",
)  # fmt: skip


def _write_police(path: Path, records: list[_Record], rnd: random.Random) -> Iterator[Row]:
    rows = [_police_row(i, record, rnd) for i, record in enumerate(records, 1)]
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(_POLICE_COLUMNS)
        writer.writerows([_cp1252(value) for value in row] for row in rows)
    for row, record in zip(rows, records, strict=True):
        yield ("policia_es", str(row[1]), record.identity.key)


def _police_row(i: int, record: _Record, rnd: random.Random) -> list[str]:
    who, case, victim = record.identity, record.case, record.victim
    place = next((leg.place for leg in reversed(victim.route) if leg.place), None)
    personal = victim.person.personal
    return [
        f"{case.opened_on.year}/{(case.reference or str(i)).rsplit('/', 1)[-1]:0>6}",
        f"V{i:05d}",
        case.opened_on.strftime("%d/%m/%Y"),
        _PROVINCIAS.get(place or "", place or ""),
        who.given,
        who.family,
        {"F": "M", "M": "H"}.get(who.sex, ""),  # Spanish: Hombre / Mujer
        "" if who.age is None or rnd.random() < 0.1 else str(who.age),
        who.birth.strftime("%d/%m/%Y") if who.birth else "",
        _hand_typed(country(who.nationality).name("es"), rnd) if who.nationality else "",
        personal.identity_numbers[0] if personal and personal.identity_numbers else "",
        personal.phone or "" if personal else "",
        " / ".join(_label("exploitation_form", f, "es") for f in victim.exploitation_forms),
        ", ".join(_label("means_of_control", m, "es").lower() for m in victim.means_of_control),
        _label("trafficking_status", victim.trafficking_status, "es"),
    ]


def _hand_typed(name: str, rnd: random.Random) -> str:
    """A country name as an officer types it: as is, in capitals, or without accents."""
    draw = rnd.random()
    if draw < 0.25:
        return name.upper()
    if draw < 0.45:
        return strip_accents(name)
    if draw < 0.55:
        return strip_accents(name).upper()
    return name


def _cp1252(value: str) -> str:
    """Text cp1252 can hold: letters it lacks lose their accents (as the police system does)."""
    try:
        value.encode("cp1252")
    except UnicodeEncodeError:
        return strip_accents(value)
    return value


# --- English NGO workbook -----------------------------------------------------------------

_NGO_HEADER = (
    "Client ID", "First name", "Surname", "Gender", "DOB", "Age", "Nationality",
    "Exploitation type", "Date of referral", "Referred by", "Services provided", "Phone",
    "Email", "Notes",
)  # fmt: skip


def _write_ngo(
    path: Path, records: list[_Record], organisation: Organisation, rnd: random.Random
) -> Iterator[Row]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append([f"{organisation.name} – client register (CONFIDENTIAL)"])
    sheet.append([f"Exported {records[-1].case.opened_on:%d %B %Y} by case worker"])
    sheet.append(list(_NGO_HEADER))
    ids = []
    for i, record in enumerate(records, 1):
        ids.append(f"SH-{record.case.opened_on.year}-{i:04d}")
        sheet.append(_ngo_row(ids[-1], record, rnd))
    book.save(path)
    for client_id, record in zip(ids, records, strict=True):
        yield ("ngo_shelter_en", client_id, record.identity.key)


def _ngo_row(client_id: str, record: _Record, rnd: random.Random) -> list[Any]:
    who, case, victim = record.identity, record.case, record.victim
    personal = victim.person.personal
    services = ", ".join(_label("support_type", s.type, "en") for s in victim.services)
    return [
        client_id,
        who.given,
        who.family.upper() if rnd.random() < 0.3 else who.family,
        _NGO_GENDER.get(who.sex, "Other"),
        who.birth,  # a real date cell; openpyxl writes it as an Excel date
        who.age if who.birth is None else None,
        _english_nationality(who.nationality, rnd),
        "; ".join(_label("exploitation_form", f, "en") for f in victim.exploitation_forms),
        case.opened_on,
        _referrer(rnd),
        services or "None yet",
        (personal.phone if personal and personal.phone else None),
        (personal.email if personal and personal.email else None),
        "Returned to shelter" if rnd.random() < 0.05 else None,
    ]


def _english_nationality(iso3: str, rnd: random.Random) -> str:
    if not iso3:
        return "Unknown"
    name = country(iso3).name("en")
    return iso3 if rnd.random() < 0.1 else name


def _referrer(rnd: random.Random) -> str:
    return rnd.choice(("Police", "Self-referral", "Hospital", "Local authority", "Helpline"))


# --- French labour inspectorate JSON ------------------------------------------------------


def _write_labour(
    path: Path, records: list[_Record], organisation: Organisation, rnd: random.Random
) -> Iterator[Row]:
    inspections: dict[str, dict[str, Any]] = {}
    truth = []
    for record in records:
        case = record.case
        number = f"CT-{case.opened_on.year}-{case.id.hex[-6:].upper()}"  # the random end
        inspection = inspections.setdefault(number, _inspection(number, record, rnd))
        worker_id = f"{number}-T{len(inspection['travailleurs']) + 1:02d}"
        inspection["travailleurs"].append(_worker(worker_id, record, rnd))
        truth.append(("inspection_travail_fr", worker_id, record.identity.key))
    document = {
        "service": organisation.name,
        "exporte_le": max(r.case.opened_on for r in records).isoformat(),
        "controles": list(inspections.values()),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return iter(truth)


def _inspection(number: str, record: _Record, rnd: random.Random) -> dict[str, Any]:
    victim = record.victim
    place = victim.route[-1].place if victim.route else None
    industry = victim.labour_industries[0] if victim.labour_industries else None
    return {
        "numero": number,
        "date_controle": record.case.opened_on.isoformat(),
        "departement": _DEPARTEMENTS.get(place or "", "Non renseigné"),
        "secteur": _label("labour_industry", industry, "fr") if industry else "Non renseigné",
        "employeur": {"raison_sociale": rnd.choice(_EMPLOYEURS), "ville": place},
        "suites": rnd.choice(("Procès-verbal transmis au parquet", "Mise en demeure", None)),
        "travailleurs": [],
    }


def _worker(worker_id: str, record: _Record, rnd: random.Random) -> dict[str, Any]:
    who, victim = record.identity, record.victim
    return {
        "id": worker_id,
        "nom": who.family.upper(),
        "prenom": who.given,
        "sexe": who.sex or None,
        "date_naissance": who.birth.isoformat() if who.birth else None,
        "age_declare": who.age if who.birth is None else None,
        "nationalite": country(who.nationality).name("fr") if who.nationality else None,
        "indices": [_label("means_of_control", m, "fr") for m in victim.means_of_control],
        "hebergement_fourni_par_employeur": rnd.random() < 0.4,
    }


# --- Spanish hotline JSON Lines -----------------------------------------------------------


def _write_hotline(path: Path, records: list[_Record], rnd: random.Random) -> Iterator[Row]:
    truth = []
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for i, record in enumerate(records, 1):
            call_id = f"call-{i:06d}"
            handle.write(json.dumps(_call(call_id, record, rnd), ensure_ascii=False) + "\n")
            truth.append(("hotline_es", call_id, record.identity.key))
    return iter(truth)


def _call(call_id: str, record: _Record, rnd: random.Random) -> dict[str, Any]:
    who, case, victim = record.identity, record.case, record.victim
    received = datetime.combine(case.opened_on, datetime.min.time()) - timedelta(
        days=rnd.randint(0, 10), minutes=rnd.randint(0, 1439)
    )
    about_self = rnd.random() < 0.4
    return {
        "call_id": call_id,
        "received_at": received.isoformat(timespec="minutes"),
        "caller": "victim" if about_self else rnd.choice(("friend", "relative", "neighbour")),
        "language": rnd.choice(_HOTLINE_LANGUAGES),
        "person": {
            "name": f"{who.given} {who.family}".strip() or None,
            "sex": who.sex or None,
            "age_estimate": who.age,
            "nationality": country(who.nationality).name("es") if who.nationality else None,
        },
        "location": next((leg.place for leg in reversed(victim.route) if leg.place), None),
        "concern": _label("exploitation_form", victim.exploitation_forms[0], "es"),
        "callback": fictional_phone(rnd) if about_self and rnd.random() < 0.5 else None,
    }


# --- ground truth -------------------------------------------------------------------------


def _write_truth(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("agency", "record_id", "person_key"))
        writer.writerows(rows)


@cache
def _label(list_name: str, code: str, lang: str) -> str:
    return codelist(list_name).label(code, lang)
