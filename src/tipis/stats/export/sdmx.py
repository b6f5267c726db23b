"""SDMX: a table as SDMX-ML 2.1 (structure and data) and SDMX-CSV, built with ``sdmx1``.

``write_sdmx(table, folder)`` writes three files named after the dataflow
``DF_TIPIS_<INDICATOR>`` (agency ``TIPIS``, version 1.0):

- ``<DF>_structure.xml``: a StructureMessage with the code lists (``CL_AREA`` with the areas
  present, shared by every area-like dimension; ``CL_SEX``, ``CL_AGE`` complete; one list per
  other dimension with the values present; ``CL_OBS_STATUS``, ``CL_CONF_STATUS``,
  ``CL_UNIT_MEASURE``), the concept scheme ``CS_TIPIS``, the data structure ``DSD_TIPIS_<...>``
  and the dataflow, whose annotations (type ``TIPIS_METADATA``, one per key, the value as
  JSON) carry the table's metadata: title, unit, sources, coverage, disclosure rules, notes;
- ``<DF>_data.xml``: structure-specific data, one series per key without the year, the year
  (``TIME_PERIOD``) at the observation level;
- ``<DF>_data.csv``: the same observations as SDMX-CSV 1.0 (``DATAFLOW`` first, then the
  dimensions, ``OBS_VALUE`` and the attributes), written by ``sdmx.to_csv``; ``csv_version
  ="2.0"`` gives SDMX-CSV 2.0.0 (``STRUCTURE, STRUCTURE_ID, ACTION`` first) instead.

Dimensions: ``area`` → ``REF_AREA``, ``year`` → ``TIME_PERIOD``, ``sex`` → ``SEX``, ``age`` →
``AGE``, and so on (``DIMENSION_IDS``); codes follow SDMX's cross-domain conventions where
TIPIS values are not valid SDMX ids (``_T`` total, ``F``/``M``/``_O``/``_U`` sex, ``Y0T17`` and
``Y_GE18`` age; ``sdmx_code``). Code names are given in the six UN languages where TIPIS has
them.

Attributes of each observation, using the codes of SDMX's own code lists:

- ``OBS_STATUS``: ``A`` normal value; ``E`` estimated, here a value published as an interval
  (no ``OBS_VALUE``, bounds in ``OBS_LOWER``/``OBS_UPPER``, e.g. ``<5`` is 1..4); ``O``
  missing value (no data, not zero); ``Q`` missing value, suppressed;
- ``CONF_STATUS``: ``F`` free, ``C`` confidential. Suppressed cells carry ``Q`` and ``C`` and
  no ``OBS_VALUE``, bound or comment. Confidentiality has its own attribute in SDMX
  (``C`` is a code of ``CL_CONF_STATUS``, not of ``CL_OBS_STATUS``); primary and secondary
  suppression are both ``C`` so that the flag does not single out the small cells;
- ``OBS_LOWER``, ``OBS_UPPER``: the published interval (equal for an exact count);
- ``UNIT_MEASURE`` (per series): ``NUMBER`` for GLOTIP's ``Counts``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import sdmx
from sdmx.format.csv import v1 as sdmx_csv_v1
from sdmx.format.csv import v2 as sdmx_csv_v2
from sdmx.message import DataMessage, Header, StructureMessage
from sdmx.model import common
from sdmx.model import v21 as model

from tipis.standard.codes import codelist
from tipis.stats.export.csv_export import (
    AREA_DIMENSIONS,
    area_name,
    cell_bounds,
    cell_state,
    metadata_json,
    unit_of,
)
from tipis.stats.table import Cell, StatTable

__all__ = [
    "AGENCY",
    "CONF_STATUS",
    "DIMENSION_IDS",
    "OBS_STATUS",
    "SdmxFiles",
    "dataflow_id",
    "sdmx_code",
    "sdmx_messages",
    "write_sdmx",
]

AGENCY = "TIPIS"
VERSION = "1.0"
METADATA_ANNOTATION = "TIPIS_METADATA"

#: Table dimension → SDMX dimension id.
DIMENSION_IDS: dict[str, str] = {
    "area": "REF_AREA",
    "year": "TIME_PERIOD",
    "sex": "SEX",
    "age": "AGE",
    "form": "EXPLOITATION_FORM",
    "citizenship": "CITIZENSHIP",
    "country_of_repatriation": "REPATRIATION_AREA",
    "flow_type": "FLOW_TYPE",
    "origin": "ORIGIN_AREA",
    "destination": "DESTINATION_AREA",
}
#: Cell state → OBS_STATUS code (SDMX CL_OBS_STATUS) and its name.
OBS_STATUS: dict[str, tuple[str, str]] = {
    "exact": ("A", "Normal value"),
    "interval": ("E", "Estimated value: published as the interval OBS_LOWER to OBS_UPPER"),
    "missing": ("O", "Missing value"),
    "suppressed": ("Q", "Missing value; suppressed"),
}
#: Cell state → CONF_STATUS code (SDMX CL_CONF_STATUS) and its name.
CONF_STATUS: dict[str, tuple[str, str]] = {
    "free": ("F", "Free"),
    "suppressed": ("C", "Confidential statistical information"),
}
TOTAL = "_T"
_SEX_CODES = {"Total": TOTAL, "Female": "F", "Male": "M", "Other": "_O", "Unknown": "_U"}
_AGE_CODES = {"Total": TOTAL, "0-17": "Y0T17", "18+": "Y_GE18", "Unknown": "_U"}
_TOTAL_NAMES = {
    "ar": "المجموع",
    "en": "Total",
    "es": "Total",
    "fr": "Total",
    "ru": "Всего",
    "zh": "合计",
}
_UNIT_CODES = {"Counts": "NUMBER"}
_CONCEPT_NAMES = {
    "REF_AREA": "Reference area",
    "TIME_PERIOD": "Time period",
    "SEX": "Sex",
    "AGE": "Age group",
    "EXPLOITATION_FORM": "Form of exploitation",
    "CITIZENSHIP": "Citizenship",
    "REPATRIATION_AREA": "Country of repatriation",
    "FLOW_TYPE": "Type of trafficking flow",
    "ORIGIN_AREA": "Area of origin",
    "DESTINATION_AREA": "Area of destination",
    "OBS_VALUE": "Observation value",
    "OBS_STATUS": "Observation status",
    "CONF_STATUS": "Confidentiality status",
    "OBS_LOWER": "Lower bound of the observation value",
    "OBS_UPPER": "Upper bound of the observation value",
    "UNIT_MEASURE": "Unit of measure",
}
_INVALID_ID = re.compile(r"[^A-Za-z0-9_@$\-]")
_TIME = "year"
_INTEGER = common.Representation(
    non_enumerated=[common.Facet(value_type=common.FacetValueType.integer)]
)


@dataclass(frozen=True)
class SdmxFiles:
    """The three files ``write_sdmx`` wrote."""

    structure_xml: Path
    data_xml: Path
    data_csv: Path


def dataflow_id(table: StatTable) -> str:
    """``DF_TIPIS_<INDICATOR>``, e.g. ``DF_TIPIS_DETECTED_VICTIMS``."""
    return f"DF_TIPIS_{_sdmx_id(table.indicator).upper()}"


def dimension_id(dimension: str) -> str:
    """The SDMX id of a table dimension (``DIMENSION_IDS``, else the name in capitals)."""
    return DIMENSION_IDS.get(dimension) or _sdmx_id(dimension).upper()


def sdmx_code(dimension: str, value: str) -> str:
    """The SDMX code that stands for ``value`` of a table dimension."""
    if dimension == "sex" and value in _SEX_CODES:
        return _SEX_CODES[value]
    if dimension == "age" and value in _AGE_CODES:
        return _AGE_CODES[value]
    if value == "Total":
        return TOTAL
    return _sdmx_id(value)


def sdmx_messages(
    table: StatTable, *, flow_id: str | None = None, prepared: datetime | None = None
) -> tuple[StructureMessage, DataMessage]:
    """The SDMX-ML 2.1 structure and data messages of ``table`` (not yet written)."""
    flow_id = flow_id or dataflow_id(table)
    if _sdmx_id(flow_id) != flow_id:
        raise ValueError(f"{flow_id!r} is not a valid SDMX id")
    if not table.dimensions:
        raise ValueError("an SDMX data structure needs at least one dimension")
    _check_codes(table)
    agency = common.Agency(id=AGENCY)
    builder = _Builder(table, agency, flow_id)
    structure = StructureMessage(header=_header(f"{flow_id}_STRUCTURE", agency, prepared))
    for item in (*builder.codelists.values(), builder.concepts, builder.dsd, builder.flow):
        structure.add(item)
    data = DataMessage(
        header=_header(f"{flow_id}_DATA", agency, prepared),
        data=[builder.dataset()],
        dataflow=builder.flow,
        observation_dimension=builder.observation_dimension,
    )
    return structure, data


def write_sdmx(
    table: StatTable,
    folder: Path | str,
    *,
    flow_id: str | None = None,
    csv_version: Literal["1.0", "2.0"] = "1.0",
    prepared: datetime | None = None,
) -> SdmxFiles:
    """Write ``table`` as SDMX-ML 2.1 structure and data, and as SDMX-CSV, into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    structure, data = sdmx_messages(table, flow_id=flow_id, prepared=prepared)
    name = data.dataflow.id if data.dataflow is not None else dataflow_id(table)
    files = SdmxFiles(
        structure_xml=folder / f"{name}_structure.xml",
        data_xml=folder / f"{name}_data.xml",
        data_csv=folder / f"{name}_data.csv",
    )
    options = sdmx_csv_v1.FormatOptions() if csv_version == "1.0" else sdmx_csv_v2.FormatOptions()
    files.structure_xml.write_bytes(
        sdmx.to_xml(structure, pretty_print=True, xml_declaration=True, encoding="utf-8")
    )
    files.data_xml.write_bytes(
        sdmx.to_xml(data, pretty_print=True, xml_declaration=True, encoding="utf-8")
    )
    sdmx.to_csv(
        data.data[0], path=files.data_csv, attributes="os", format_options=options, dtype="Int64"
    )
    return files


class _Builder:
    """The model objects of one table: code lists, concepts, DSD, dataflow, data set."""

    def __init__(self, table: StatTable, agency: common.Agency, flow_id: str) -> None:
        self.table = table
        self.agency = agency
        suffix = flow_id.removeprefix("DF_")
        self.concepts = model.ConceptScheme(
            id="CS_TIPIS", name={"en": "TIPIS concepts"}, **self._maintained()
        )
        self.codelists: dict[str, model.Codelist] = {}
        self.dsd = model.DataStructureDefinition(
            id=f"DSD_{suffix}", name={"en": self._title()}, **self._maintained()
        )
        self.dsd.dimensions.id = "DimensionDescriptor"
        self.dsd.attributes.id = "AttributeDescriptor"
        self.dsd.measures.id = "MeasureDescriptor"
        self._dimensions()
        self.measure = self.dsd.measures.getdefault(
            "OBS_VALUE", concept_identity=self._concept("OBS_VALUE"), local_representation=_INTEGER
        )
        self._attributes()
        self.flow = model.DataflowDefinition(
            id=flow_id, name={"en": self._title()}, structure=self.dsd, **self._maintained()
        )
        for key, value in metadata_json(table).items():
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            self.flow.annotations.append(
                model.Annotation(id=key, title=key, type=METADATA_ANNOTATION, text={"en": text})
            )

    # -- structure -------------------------------------------------------------------------

    def _maintained(self) -> dict[str, Any]:
        return {
            "maintainer": self.agency,
            "version": VERSION,
            "is_final": True,
            "is_external_reference": False,
        }

    def _title(self) -> str:
        return str(self.table.metadata.get("title") or self.table.indicator)

    def _concept(self, concept_id: str) -> common.Concept:
        if concept_id not in self.concepts:
            name = _CONCEPT_NAMES.get(concept_id, concept_id)
            self.concepts.append(common.Concept(id=concept_id, name={"en": name}))
        concept: common.Concept = self.concepts[concept_id]
        return concept

    def _codelist(self, list_id: str, name: str, codes: Iterable[tuple[str, Any]]) -> Any:
        codes_list = self.codelists.get(list_id)
        if codes_list is None:
            codes_list = model.Codelist(id=list_id, name={"en": name}, **self._maintained())
            self.codelists[list_id] = codes_list
        for code_id, code_name in codes:
            if code_id not in codes_list:
                codes_list.append(common.Code(id=code_id, name=code_name))
        return common.Representation(enumerated=codes_list)

    def _dimensions(self) -> None:
        ordered = [d for d in self.table.dimensions if d != _TIME]
        if _TIME in self.table.dimensions:
            ordered.append(_TIME)
        for position, dimension in enumerate(ordered, start=1):
            dim_id = dimension_id(dimension)
            concept = self._concept(dim_id)
            if dimension == _TIME:
                self.dsd.dimensions.getdefault(
                    dim_id, cls=common.TimeDimension, concept_identity=concept, order=position
                )
                continue
            representation = self._dimension_codes(dimension)
            self.dsd.dimensions.getdefault(
                dim_id,
                concept_identity=concept,
                local_representation=representation,
                order=position,
            )
        self.observation_dimension = self.dsd.dimensions.get(dimension_id(ordered[-1]))
        self.series_dimensions = [dimension_id(d) for d in ordered[:-1]]
        self.order = ordered

    def _dimension_codes(self, dimension: str) -> Any:
        values = self.table.values(dimension)
        if dimension in AREA_DIMENSIONS:
            codes = [(sdmx_code(dimension, v), _area_names(v)) for v in values]
            return self._codelist("CL_AREA", "Areas", codes)
        if dimension == "sex":
            known = [(code, _names("glotip_sex", value)) for value, code in _SEX_CODES.items()]
            extra = [(sdmx_code("sex", v), {"en": v}) for v in values if v not in _SEX_CODES]
            return self._codelist("CL_SEX", "Sex", [*known, *extra])
        if dimension == "age":
            known = [
                (code, _names("glotip_age_group", value)) for value, code in _AGE_CODES.items()
            ]
            extra = [(sdmx_code("age", v), {"en": v}) for v in values if v not in _AGE_CODES]
            return self._codelist("CL_AGE", "Age group", [*known, *extra])
        list_id = f"CL_{dimension_id(dimension)}"
        if dimension == "form":
            codes = [(sdmx_code(dimension, v), _form_names(v)) for v in values]
        else:
            codes = [(sdmx_code(dimension, v), _total_or(v)) for v in values]
        return self._codelist(list_id, _CONCEPT_NAMES.get(list_id[3:], dimension), codes)

    def _attributes(self) -> None:
        measure = model.PrimaryMeasureRelationship()
        obs_status = self._codelist(
            "CL_OBS_STATUS", "Observation status", [(c, {"en": n}) for c, n in OBS_STATUS.values()]
        )
        conf_status = self._codelist(
            "CL_CONF_STATUS",
            "Confidentiality status",
            [(c, {"en": n}) for c, n in CONF_STATUS.values()],
        )
        unit = unit_of(self.table)
        units = self._codelist("CL_UNIT_MEASURE", "Unit of measure", [(_unit(unit), {"en": unit})])
        add = self.dsd.attributes.getdefault
        mandatory, conditional = common.UsageStatus.mandatory, common.UsageStatus.conditional
        for attr_id, representation, usage in (
            ("OBS_STATUS", obs_status, mandatory),
            ("CONF_STATUS", conf_status, mandatory),
            ("OBS_LOWER", _INTEGER, conditional),
            ("OBS_UPPER", _INTEGER, conditional),
        ):
            add(
                attr_id,
                concept_identity=self._concept(attr_id),
                local_representation=representation,
                related_to=measure,
                usage_status=usage,
            )
        series = [self.dsd.dimensions.get(d) for d in self.series_dimensions]
        related: common.AttributeRelationship = (
            common.DimensionRelationship(dimensions=series)
            if series
            else model.NoSpecifiedRelationship()
        )
        add(
            "UNIT_MEASURE",
            concept_identity=self._concept("UNIT_MEASURE"),
            local_representation=units,
            related_to=related,
            usage_status=mandatory,
        )

    # -- data ------------------------------------------------------------------------------

    def dataset(self) -> model.StructureSpecificDataSet:
        dataset = model.StructureSpecificDataSet(structured_by=self.dsd, described_by=self.flow)
        unit = self._attribute_value("UNIT_MEASURE", _unit(unit_of(self.table)))
        series: dict[tuple[str, ...], tuple[common.SeriesKey, list[model.Observation]]] = {}
        obs_dimension = self.order[-1]
        for cell in self.table.cells:
            values = {
                dimension_id(d): sdmx_code(d, v)
                for d, v in zip(self.table.dimensions, cell.key, strict=True)
            }
            series_values = tuple(values[d] for d in self.series_dimensions)
            if series_values not in series:
                key = common.SeriesKey(
                    described_by=self.dsd.dimensions,
                    values={
                        d: common.KeyValue(id=d, value=v, value_for=self.dsd.dimensions.get(d))
                        for d, v in zip(self.series_dimensions, series_values, strict=True)
                    },
                    attrib={"UNIT_MEASURE": unit} if self.series_dimensions else {},
                )
                series[series_values] = (key, [])
            key, observations = series[series_values]
            obs_id = dimension_id(obs_dimension)
            observations.append(
                model.Observation(
                    series_key=key,
                    dimension=common.Key(
                        {obs_id: values[obs_id]}, described_by=self.dsd.dimensions
                    ),
                    value=_value(cell),
                    value_for=self.measure,
                    attached_attribute=self._observation_attributes(cell),
                )
            )
        for key, observations in series.values():
            dataset.add_obs(observations, key)
        return dataset

    def _attribute_value(self, attr_id: str, value: str) -> common.AttributeValue:
        return common.AttributeValue(value=value, value_for=self.dsd.attributes.get(attr_id))

    def _observation_attributes(self, cell: Cell) -> dict[str, common.AttributeValue]:
        state = cell_state(cell)
        confidential = "suppressed" if state == "suppressed" else "free"
        attributes = {
            "OBS_STATUS": self._attribute_value("OBS_STATUS", OBS_STATUS[state][0]),
            "CONF_STATUS": self._attribute_value("CONF_STATUS", CONF_STATUS[confidential][0]),
        }
        bounds = cell_bounds(cell)
        if bounds is not None:
            attributes["OBS_LOWER"] = self._attribute_value("OBS_LOWER", str(bounds[0]))
            attributes["OBS_UPPER"] = self._attribute_value("OBS_UPPER", str(bounds[1]))
        if not self.series_dimensions:
            attributes["UNIT_MEASURE"] = self._attribute_value(
                "UNIT_MEASURE", _unit(unit_of(self.table))
            )
        return attributes


def _value(cell: Cell) -> int | None:
    return cell.lower if cell_state(cell) == "exact" else None


def _header(message_id: str, agency: common.Agency, prepared: datetime | None) -> Header:
    return Header(id=message_id, prepared=prepared or datetime.now(), sender=agency)


def _sdmx_id(value: str) -> str:
    text = _INVALID_ID.sub("_", value.strip())
    return text or "_Z"


def _check_codes(table: StatTable) -> None:
    """Two values of one dimension must not become one SDMX code."""
    for dimension in table.dimensions:
        if dimension == _TIME:
            continue
        seen: dict[str, str] = {}
        for value in table.values(dimension):
            code = sdmx_code(dimension, value)
            if seen.setdefault(code, value) != value:
                raise ValueError(
                    f"dimension {dimension!r}: {seen[code]!r} and {value!r} would both be "
                    f"SDMX code {code!r}"
                )


def _unit(unit: str) -> str:
    return _UNIT_CODES.get(unit) or _sdmx_id(unit).upper()


def _total_or(value: str) -> Mapping[str, str]:
    return _TOTAL_NAMES if value == "Total" else {"en": value}


def _area_names(code: str) -> Mapping[str, str]:
    if code == "Total":
        return _TOTAL_NAMES
    names = {lang: area_name(code, lang) for lang in _TOTAL_NAMES}
    return names if names["en"] else {"en": code}


def _names(list_name: str, value: str) -> Mapping[str, str]:
    if value == "Total":
        return _TOTAL_NAMES
    codes = codelist(list_name)
    if value not in codes:
        return {"en": value}
    return {lang: codes.label(value, lang) for lang in _TOTAL_NAMES}


def _form_names(value: str) -> Mapping[str, str]:
    if value in codelist("glotip_form_group"):
        return _names("glotip_form_group", value)
    return _names("exploitation_form", value)
