from apps.disastermap.models.community import CommunityFeature, CommunityMap
from apps.disastermap.models.facilities import Facility, Genre, Incident, Place
from apps.disastermap.models.shelters import HazardZone, Shelter, ShelterStatusChange
from apps.disastermap.models.support import PersonNeedingHelp
from apps.disastermap.models.water import WaterLevelReading, WaterLevelStation

__all__ = [
    "CommunityFeature", "CommunityMap", "Facility", "Genre", "HazardZone", "Incident", "PersonNeedingHelp",
    "Place", "Shelter", "ShelterStatusChange", "WaterLevelReading", "WaterLevelStation",
]
