"""Places for synthetic cases: destination countries with their agencies, and cities by country.

Owns the hand-written geography of the demo: which countries have demo agencies (with names in
the local language), their cities, and a few cities in the main countries of origin. Public
bodies carry their usual generic names; every NGO, shelter and hotline name is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

__all__ = ["AGENCY_KINDS", "DESTINATIONS", "Destination", "cities_of"]

#: Agency kinds and their ``organisation_type`` code.
AGENCY_KINDS: dict[str, str] = {
    "police": "LawEnforcement",
    "prosecution": "ProsecutionService",
    "labour": "LabourInspectorate",
    "shelter": "NGO",
    "ngo": "NGO",
    "hotline": "Hotline",
}


@dataclass(frozen=True)
class Destination:
    """A country with demo agencies: language, cities, and a name per agency kind."""

    iso3: str
    language: str
    cities: tuple[str, ...]
    agencies: dict[str, str]


def _d(iso3: str, language: str, cities: str, **agencies: str) -> Destination:
    return Destination(iso3, language, tuple(cities.split(";")), agencies)


DESTINATIONS: tuple[Destination, ...] = (
    _d(
        "ESP",
        "es",
        "Madrid;Barcelona;Valencia;Sevilla;Málaga;Almería;Murcia;Bilbao;Huelva",
        police="Policía Nacional – UCRIF {city}",
        prosecution="Fiscalía Provincial de {city} – Sección de Extranjería",
        labour="Inspección de Trabajo y Seguridad Social de {city}",
        shelter="Fundación Amanecer Libre",
        ngo="Asociación Red Puentes",
        hotline="Línea Alerta Trata 24h",
    ),
    _d(
        "FRA",
        "fr",
        "Paris;Marseille;Lyon;Lille;Toulouse;Bordeaux;Nice",
        police="Office central pour la répression de la traite des êtres humains",
        prosecution="Parquet du tribunal judiciaire de {city}",
        labour="Inspection du travail – DREETS {city}",
        shelter="Association Le Refuge des Aubes",
        ngo="Collectif Chemins de Liberté",
        hotline="Écoute Traite – ligne d'urgence",
    ),
    _d(
        "GBR",
        "en",
        "London;Birmingham;Manchester;Leeds;Glasgow;Bristol;Liverpool",
        police="Metropolitan Police – Modern Slavery Unit",
        prosecution="Crown Prosecution Service",
        labour="Gangmasters and Labour Abuse Authority",
        shelter="Safe Harbour Women's Refuge",
        ngo="Open Doors Anti-Slavery Trust",
        hotline="Freedom Line Helpline",
    ),
    _d(
        "USA",
        "en",
        "Houston;Los Angeles;New York;Atlanta;Miami;Chicago;Las Vegas;Seattle",
        police="{city} Police Department – Human Trafficking Unit",
        prosecution="District Attorney's Office, {city}",
        labour="Wage and Hour Division, {city} District Office",
        shelter="New Dawn Survivor Shelter",
        ngo="Bridges to Freedom Coalition",
        hotline="Lifeline Trafficking Hotline",
    ),
    _d(
        "NLD",
        "nl",
        "Amsterdam;Rotterdam;Den Haag;Utrecht;Eindhoven",
        police="Politie – Afdeling Vreemdelingen, Identificatie en Mensenhandel",
        prosecution="Openbaar Ministerie, arrondissementsparket {city}",
        labour="Nederlandse Arbeidsinspectie",
        shelter="Stichting Veilige Haven",
        ngo="Stichting Nieuwe Wegen",
        hotline="Meldlijn Uitbuiting",
    ),
    _d(
        "DEU",
        "de",
        "Berlin;Hamburg;München;Frankfurt am Main;Köln;Stuttgart",
        police="Landeskriminalamt – Dezernat Menschenhandel",
        prosecution="Staatsanwaltschaft {city}",
        labour="Finanzkontrolle Schwarzarbeit {city}",
        shelter="Frauenhaus Lichtblick e.V.",
        ngo="Beratungsstelle Neue Wege e.V.",
        hotline="Hilfetelefon gegen Ausbeutung",
    ),
    _d(
        "ITA",
        "it",
        "Roma;Milano;Napoli;Torino;Palermo;Foggia;Latina",
        police="Squadra Mobile della Questura di {city}",
        prosecution="Procura della Repubblica di {city}",
        labour="Ispettorato Territoriale del Lavoro di {city}",
        shelter="Casa Rifugio Aurora",
        ngo="Associazione Strade Nuove",
        hotline="Numero Verde Antitratta",
    ),
    _d(
        "ROU",
        "ro",
        "București;Iași;Constanța;Cluj-Napoca;Timișoara;Craiova",
        police="Direcția de Combatere a Criminalității Organizate – Serviciul {city}",
        prosecution="DIICOT – Biroul Teritorial {city}",
        labour="Inspectoratul Teritorial de Muncă {city}",
        shelter="Asociația Casa Speranței",
        ngo="Fundația Drum Liber",
        hotline="Linia Verde Anti-Trafic",
    ),
    _d(
        "ARG",
        "es",
        "Buenos Aires;Córdoba;Rosario;Mendoza;Salta;Posadas",
        police="Policía Federal Argentina – División Trata de Personas",
        prosecution="Fiscalía Federal de {city}",
        labour="Ministerio de Trabajo – Inspección {city}",
        shelter="Hogar Refugio Alas",
        ngo="Fundación Caminos Libres",
        hotline="Línea 145 de Orientación",
    ),
    _d(
        "MEX",
        "es",
        "Ciudad de México;Tijuana;Cancún;Tapachula;Guadalajara;Puebla",
        police="Fiscalía Especializada en Trata – Policía de Investigación {city}",
        prosecution="Fiscalía General del Estado, Unidad de Trata, {city}",
        labour="Inspección Federal del Trabajo, {city}",
        shelter="Refugio Casa Esperanza Nueva",
        ngo="Colectivo Raíces Libres A.C.",
        hotline="Línea Nacional Contra la Trata",
    ),
    _d(
        "BRA",
        "pt",
        "São Paulo;Rio de Janeiro;Belém;Recife;Manaus;Fortaleza",
        police="Polícia Federal – Delegacia de Direitos Humanos, {city}",
        prosecution="Ministério Público Federal, {city}",
        labour="Auditoria-Fiscal do Trabalho, {city}",
        shelter="Casa Abrigo Nova Aurora",
        ngo="Instituto Caminhos Livres",
        hotline="Disque Liberdade",
    ),
    _d(
        "THA",
        "th",
        "Bangkok;Chiang Mai;Pattaya;Songkhla;Samut Sakhon;Mae Sot",
        police="Anti-Trafficking in Persons Division, Royal Thai Police ({city})",
        prosecution="Office of the Attorney General – Anti-Trafficking Office, {city}",
        labour="Department of Labour Protection and Welfare, {city}",
        shelter="Baan Sang Jai Shelter",
        ngo="Mekong Freedom Foundation",
        hotline="Hotline 1300 Help Desk",
    ),
    _d(
        "PHL",
        "fil",
        "Manila;Cebu City;Davao City;Zamboanga City;Angeles City",
        police="Philippine National Police – Women and Children Protection Center, {city}",
        prosecution="Department of Justice – Task Force Against Trafficking, {city}",
        labour="Department of Labor and Employment, Regional Office {city}",
        shelter="Bahay Kanlungan Shelter",
        ngo="Kalayaan Advocacy Network",
        hotline="Bantay Laya Hotline",
    ),
    _d(
        "NGA",
        "en",
        "Lagos;Benin City;Abuja;Kano;Port Harcourt;Enugu",
        police="NAPTIP Zonal Command, {city}",
        prosecution="NAPTIP Legal and Prosecution, {city}",
        labour="Federal Ministry of Labour – Inspectorate, {city}",
        shelter="Hope Haven Shelter",
        ngo="Rise Again Women's Initiative",
        hotline="Freedom Call Helpline",
    ),
    _d(
        "IND",
        "en",
        "Mumbai;Kolkata;Delhi;Hyderabad;Chennai;Patna",
        police="Anti-Human Trafficking Unit, {city}",
        prosecution="Public Prosecutor's Office, {city}",
        labour="Office of the Labour Commissioner, {city}",
        shelter="Asha Kiran Shelter Home",
        ngo="Mukti Path Foundation",
        hotline="Azad Helpline",
    ),
    _d(
        "ARE",
        "ar",
        "Dubai;Abu Dhabi;Sharjah",
        police="شرطة {city} – قسم مكافحة الاتجار بالبشر",
        prosecution="النيابة العامة في {city}",
        labour="تفتيش العمل في {city}",
        shelter="دار الأمان للإيواء",
        ngo="جمعية طريق الأمل",
        hotline="خط المساعدة لضحايا الاتجار",
    ),
)

# A few cities in common countries of origin (place of recruitment); others stay unnamed.
_ORIGIN_CITIES = {
    "ROU": "Iași;Craiova;Bacău;Constanța;Galați",
    "BGR": "Sliven;Pleven;Varna;Plovdiv",
    "UKR": "Odesa;Kharkiv;Kyiv;Dnipro",
    "MDA": "Chișinău;Bălți;Cahul",
    "NGA": "Benin City;Lagos;Enugu;Ibadan",
    "CHN": "Fuzhou;Shenyang;Kunming;Wenzhou",
    "VNM": "Nghệ An;Hà Tĩnh;Hải Phòng",
    "THA": "Udon Thani;Khon Kaen;Chiang Rai",
    "MMR": "Yangon;Mawlamyine;Hpa-An",
    "KHM": "Phnom Penh;Battambang;Siem Reap",
    "PHL": "Cebu City;Iloilo;Tacloban",
    "IND": "Patna;Kolkata;Varanasi",
    "BGD": "Dhaka;Khulna;Sylhet",
    "NPL": "Kathmandu;Sindhupalchok;Makwanpur",
    "ALB": "Elbasan;Durrës;Fier",
    "COL": "Pereira;Cali;Medellín",
    "PRY": "Asunción;Encarnación",
    "BOL": "El Alto;Cochabamba;Santa Cruz",
    "DOM": "Santo Domingo;Santiago",
    "BRA": "Goiânia;Belém",
    "VEN": "Maracaibo;Valencia;Caracas",
    "HND": "San Pedro Sula;Tegucigalpa",
    "GTM": "Quetzaltenango;Escuintla",
    "MAR": "Béni Mellal;Casablanca;Tanger",
    "UZB": "Samarkand;Fergana",
    "ETH": "Addis Ababa;Dessie",
    "GHA": "Kumasi;Accra",
}


@cache
def cities_of(iso3: str) -> tuple[str, ...]:
    """Cities of a country for route places: a destination's cities, else origin cities."""
    for destination in DESTINATIONS:
        if destination.iso3 == iso3:
            return destination.cities
    text = _ORIGIN_CITIES.get(iso3)
    return tuple(text.split(";")) if text else ()
