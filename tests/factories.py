"""Hand-written records for tests: small, readable, and valid unless a test breaks them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tipis.standard.records import Case, Organisation

POLICE_ID = UUID("00000000-0000-4000-8000-000000000001")
NGO_ID = UUID("00000000-0000-4000-8000-000000000002")

#: A victim's name that must never be readable outside the encrypted column.
SECRET_GIVEN_NAME = "Zephyrina"
SECRET_FAMILY_NAME = "Quillfeather"
SECRET_ID_NUMBER = "ZQ-4471-PASSPORT"


def organisations() -> list[Organisation]:
    return [
        Organisation(
            id=POLICE_ID,
            name="Policía Nacional — UCRIF",
            type="LawEnforcement",
            country="ESP",
            city="Madrid",
        ),
        Organisation(id=NGO_ID, name="Casa Refugio", type="NGO", country="ESP"),
    ]


def case_data(**overrides: Any) -> dict[str, Any]:
    """A complete case: one victim with a three-leg route, services, consent, a perpetrator."""
    data: dict[str, Any] = {
        "organisation_id": str(POLICE_ID),
        "reference": "ATES-2024-0117",
        "status": "Active",
        "opened_on": "2024-03-02",
        "country_of_identification": "ESP",
        "victims": [
            {
                "person": {
                    "gender": "Feminine",
                    "citizenships": ["ROU"],
                    "personal": {
                        "given_name": SECRET_GIVEN_NAME,
                        "family_name": SECRET_FAMILY_NAME,
                        "birth_date": "2001-06-15",
                        "identity_numbers": [SECRET_ID_NUMBER],
                        "phone": "+999 555 0101",
                    },
                },
                "trafficking_status": "ActualVictimOfTrafficking",
                "status_decided_by": "Police",
                "age_when_trafficked": 21,
                "age_at_identification": 22,
                "exploitation_forms": ["SexualExploitation"],
                "sexual_exploitation_types": ["Prostitution"],
                "means_of_control": ["DebtBondage", "WithholdsDocuments"],
                "recruitment_methods": ["ThroughOnlineSocialNetworks"],
                "online_platforms": ["Facebook"],
                "relationship_to_trafficker": "Acquainted",
                "route": [
                    {
                        "type": "Recruitment",
                        "country": "ROU",
                        "place": "Iași",
                        "started_on": "2022-09-01",
                    },
                    {"type": "Transit", "country": "HUN", "started_on": "2022-09-20"},
                    {
                        "type": "Exploitation",
                        "country": "ESP",
                        "place": "Madrid",
                        "started_on": "2022-10-01",
                        "ended_on": "2024-02-28",
                    },
                ],
                "services": [
                    {"type": "Shelter", "provider_id": str(NGO_ID), "started_on": "2024-03-03"},
                    {"type": "Legal", "started_on": "2024-03-10"},
                ],
                "consents": [
                    {"scope": "DataProcessing", "given": True, "recorded_on": "2024-03-02"},
                    {"scope": "Referral", "given": True, "recorded_on": "2024-03-02"},
                ],
            }
        ],
        "perpetrators": [
            {
                "person": {"gender": "Masculine", "citizenships": ["ROU"]},
                "roles": ["RecruiterOrIntermediary", "Exploiter"],
            }
        ],
        "referrals": [
            {
                "from_organisation_id": str(POLICE_ID),
                "to_organisation_id": str(NGO_ID),
                "referred_on": "2024-03-03",
                "reason": "AdditionalServicesRequired",
            }
        ],
    }
    data.update(overrides)
    return data


def case(**overrides: Any) -> Case:
    return Case.model_validate(case_data(**overrides))
