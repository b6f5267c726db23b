"""Aggregate observations: published statistics (UNODC GLOTIP layout), not case records.

An observation is one count for one area and year, of one indicator, broken down by sex, age
and a dimension's category. Counts published as ``<5`` are kept as the interval 1..4 with
status ``below_threshold`` — never 0 and never 5. Raw category strings (e.g. a citizenship
typed into a questionnaire) are kept as given beside the country they resolve to, if any.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Indicator = Literal[
    "detected_victims",
    "persons_formal_contact",
    "persons_prosecuted",
    "persons_convicted",
    "offences",
    "population",  # the denominator of rates per 100,000 (SDG 16.2.2), imported by users
]
Dimension = Literal["total", "form_of_exploitation", "citizenship", "country_of_repatriation"]
Sex = Literal["Total", "Female", "Male", "Other", "Unknown"]
AgeGroup = Literal["Total", "0-17", "18+", "Unknown"]
ValueStatus = Literal["exact", "below_threshold"]

#: GLOTIP's published wording for each indicator and dimension.
GLOTIP_INDICATORS: dict[str, Indicator] = {
    "Detected trafficking victims": "detected_victims",
    "Persons brought into formal contact": "persons_formal_contact",
    "Persons prosecuted": "persons_prosecuted",
    "Persons convicted": "persons_convicted",
    "Offences of trafficking in persons": "offences",
}
GLOTIP_DIMENSIONS: dict[str, Dimension] = {
    "Total": "total",
    "by form of exploitation": "form_of_exploitation",
    "by citizenship": "citizenship",
    "by country of repatriation": "country_of_repatriation",
}

Count = Annotated[int, Field(ge=0)]


class Observation(BaseModel):
    """One published count, as an interval ``value_lower..value_upper``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    area: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3 of the area")
    year: Annotated[int, Field(ge=1900, le=2100)]
    indicator: Indicator
    dimension: Dimension = "total"
    category: str = Field(default="Total", max_length=200, description="As published")
    category_iso3: str | None = Field(
        default=None, min_length=3, max_length=3, description="The country a category names"
    )
    sex: Sex = "Total"
    age: AgeGroup = "Total"
    value_lower: Count
    value_upper: Count
    status: ValueStatus = "exact"
    unit: str = Field(default="Counts", max_length=40)
    source: str = Field(default="", max_length=200)
    flags: list[str] = Field(default_factory=list, description="Quirks kept, with a reason")

    @model_validator(mode="after")
    def _interval(self) -> Self:
        if self.value_upper < self.value_lower:
            raise ValueError(f"value interval {self.value_lower}..{self.value_upper} is reversed")
        if self.status == "exact" and self.value_lower != self.value_upper:
            raise ValueError("an exact value has one number, not an interval")
        return self

    def key(self) -> tuple[str, int, str, str, str, str, str]:
        """What identifies the cell: two observations with one key are duplicates."""
        return (
            self.area,
            self.year,
            self.indicator,
            self.dimension,
            self.category,
            self.sex,
            self.age,
        )
