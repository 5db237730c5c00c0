"""The AIGS workbooks' technology columns: sheet header -> technology id, per edition. The AIGS
reader maps cells with them and the index gives each edition these columns."""

from __future__ import annotations

TECH_COLUMNS_2019 = {
    "Smart City/Safe City": "safe_city",
    "Facial Recognition": "facial_recognition",
    "Smart Policing": "smart_policing",
}
TECH_COLUMNS_2022 = {
    "Safe City System": "safe_city",
    "Facial Recognition System": "facial_recognition",
    "Smart Policing": "smart_policing",
    "Social Media Surveillance": "social_media_monitoring",
}
